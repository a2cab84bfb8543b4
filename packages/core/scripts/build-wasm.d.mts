/** Types for build-wasm.mjs (imported by the staleness test). */
export declare const SOURCE_PATH: string;
export declare const GENERATED_PATH: string;
export declare const ASC_FLAGS: readonly string[];
export declare function compilerVersion(): string;
export declare function sourceHash(source?: string): string;
export declare function compileKernels(): Promise<Uint8Array>;
export declare function generatedModule(bytes: Uint8Array, hash: string, version: string, sharedBytes?: Uint8Array | null): string;
export declare function compileSqKernels(): Promise<Uint8Array>;
export declare function compileSharedKernels(): Promise<Uint8Array>;

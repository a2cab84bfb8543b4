/** Types for build-wasm.mjs (imported by the staleness test). */
export declare const SOURCE_PATH: string;
export declare const GENERATED_PATH: string;
export declare function sourceHash(source?: string): string;
export declare function compileKernels(): Promise<Uint8Array>;
export declare function compileSharedKernels(): Promise<Uint8Array>;
export declare function insertSourceHash(source?: string): string;
export declare function compileInsert(): Promise<Uint8Array>;
export declare function compileSharedInsert(): Promise<Uint8Array>;

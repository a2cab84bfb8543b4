/**
 * Compile an AssemblyScript kernel source to WebAssembly and embed the bytes in a generated
 * TypeScript module (base64), together with the SHA-256 of the source and the compiler version,
 * so a package loads the same in Node and in a browser (no file read, no fetch) and a test can
 * tell when the embedded bytes are stale.
 *
 * One implementation for every package that ships wasm kernels: @annlab/core (SIMD distance
 * and scalar-quantizer kernels), @annlab/flat (the blocked batch product), @annlab/hnsw (the
 * level-0 search), @annlab/rpforest (the forest query), @annlab/ivfpq (IVF scans) and
 * @annlab/pca (matrix kernels). Each package keeps a thin
 * `scripts/build-wasm.mjs` that describes its target with {@link wasmTarget} and calls
 * {@link runIfMain}; that file is what `pnpm --filter <package> build:wasm` runs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (the folder above this script). */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Compiler flags: optimised, no runtime or GC, no bounds asserts, memory supplied by the host. */
export const ASC_FLAGS = [
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--initialMemory',
  '1',
  '--enable',
  'simd',
  '--noExportMemory',
  '--sourceMap',
  'false',
];

/**
 * The AssemblyScript package as the package at `fromUrl` resolves it (a devDependency of each
 * package that ships kernels, not of the repository root): its version and the file URL of its
 * `asc` entry point.
 */
function assemblyScriptFrom(fromUrl) {
  const require = createRequire(fromUrl);
  const manifestPath = require.resolve('assemblyscript/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return { version: manifest.version, ascUrl: new URL(manifest.exports['./asc'].import, pathToFileURL(manifestPath)).href };
}

/** The AssemblyScript version the package at `fromUrl` compiles with (recorded in the generated module). */
export function compilerVersion(fromUrl) {
  return assemblyScriptFrom(fromUrl).version;
}

/** SHA-256 (hex) of a source text. */
export function sha256Hex(text) {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Compile one AssemblyScript file (read from `sourcePath`) to wasm bytes, in memory, with the
 * compiler the package at `fromUrl` resolves.
 */
export async function compileAssemblyScript(sourcePath, fromUrl) {
  const asc = (await import(assemblyScriptFrom(fromUrl).ascUrl)).default;
  const source = readFileSync(sourcePath, 'utf8');
  const inName = basename(sourcePath);
  const outName = inName.replace(/\.ts$/, '.wasm');
  const outputs = {};
  let errors = '';
  const result = await asc.main([inName, '--outFile', outName, ...ASC_FLAGS], {
    readFile: (name) => (name === inName ? source : null),
    writeFile: (name, contents) => {
      outputs[name] = contents;
    },
    listFiles: () => [],
    stdout: { write: () => true },
    stderr: {
      write: (s) => {
        errors += String(s);
        return true;
      },
    },
  });
  if (result.error) throw new Error(`asc failed: ${result.error.message}\n${errors}`);
  const bytes = outputs[outName];
  if (!(bytes instanceof Uint8Array)) throw new Error(`asc produced no binary\n${errors}`);
  return bytes;
}

/** Repository-relative path with forward slashes, for the generated header. */
function repoPath(path) {
  return relative(REPO_ROOT, path).split('\\').join('/');
}

/**
 * Describe one package's kernel target.
 *
 * @param {object} spec
 * @param {string} spec.script `import.meta.url` of the package's build script (named in the header).
 * @param {string} spec.packageName npm name, for the regenerate command in the header.
 * @param {string} spec.source kernel source, relative to the package folder (`assembly/kernels.ts`).
 * @param {string} spec.generated generated module, relative to the package folder.
 * @param {string} spec.stalenessTest test file (relative to the package) that fails on stale bytes.
 * @param {string} spec.constPrefix prefix of the exported constants (`KERNELS` → `KERNELS_WASM_BASE64`).
 * @param {string} spec.moduleDoc doc comment text of the base64 constant.
 * @param {boolean} [spec.withLength] also export `<prefix>_WASM_LENGTH`.
 */
export function wasmTarget(spec) {
  const sourcePath = fileURLToPath(new URL(`../${spec.source}`, spec.script));
  const generatedPath = fileURLToPath(new URL(`../${spec.generated}`, spec.script));
  const P = spec.constPrefix;

  /** SHA-256 (hex) of the kernel source text. */
  const sourceHash = (source = readFileSync(sourcePath, 'utf8')) => sha256Hex(source);

  /** Compile the kernel source to wasm bytes. */
  const compile = () => compileAssemblyScript(sourcePath, spec.script);

  /** The AssemblyScript version the package compiles with. */
  const version = () => compilerVersion(spec.script);

  /** The text of the generated module for given bytes. */
  const generatedModule = (bytes, hash, version) => {
    const b64 = Buffer.from(bytes).toString('base64');
    const lines = [];
    for (let i = 0; i < b64.length; i += 100) lines.push(`  '${b64.slice(i, i + 100)}'`);
    const length = spec.withLength
      ? `/** Byte length of the compiled module. */
export const ${P}_WASM_LENGTH: number = ${bytes.length};

`
      : '';
    return `// GENERATED by ${repoPath(fileURLToPath(spec.script))} from ${repoPath(sourcePath)}.
// Do not edit: run \`pnpm --filter ${spec.packageName} build:wasm\` after changing the kernel source.
// ${spec.stalenessTest} fails when these bytes are stale.

/** SHA-256 (hex) of \`${spec.source}\` the bytes below were compiled from. */
export const ${P}_SOURCE_SHA256: string = '${hash}';

/** AssemblyScript compiler version that produced the bytes. */
export const ${P}_COMPILER_VERSION: string = '${version}';

${length}/** ${spec.moduleDoc} */
export const ${P}_WASM_BASE64: string =
${lines.join(' +\n')};
`;
  };

  /** Compile and write the generated module; returns the number of wasm bytes. */
  const build = async () => {
    const bytes = await compile();
    writeFileSync(generatedPath, generatedModule(bytes, sourceHash(), version()));
    console.log(`wrote ${generatedPath} (${bytes.length} wasm bytes)`);
    return bytes.length;
  };

  return { sourcePath, generatedPath, sourceHash, compile, compilerVersion: version, generatedModule, build };
}

/** Run `target.build()` when `scriptUrl` (the caller's `import.meta.url`) is the script Node started. */
export async function runIfMain(scriptUrl, target) {
  if (process.argv[1] !== undefined && fileURLToPath(scriptUrl) === process.argv[1]) {
    await target.build();
  }
}

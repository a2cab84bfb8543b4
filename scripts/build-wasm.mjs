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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, relative, resolve } from 'node:path';
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
 * Flags of the shared-memory variant: the module imports a *shared* memory (of at most 65 536
 * pages, 4 GiB) and may use atomics, so worker threads can run it over one memory at once.
 * A module built this way links only to a shared `WebAssembly.Memory`, the plain one only to
 * a plain memory, so a package that needs both embeds both.
 */
export const SHARED_FLAGS = ['--sharedMemory', '--maximumMemory', '65536', '--enable', 'threads'];

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
 * The local files `sourcePath` imports (relative `import … from './x'` / `'../x'`), and theirs,
 * in a fixed order (depth first, each once). Kernel sources share code this way (core's
 * `assembly/simd-distance.ts`), and the staleness hash covers them.
 */
export function localImports(sourcePath, seen = new Set()) {
  const out = [];
  const text = readFileSync(sourcePath, 'utf8');
  for (const m of text.matchAll(/^\s*import\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
    const target = resolve(dirname(sourcePath), m[1].endsWith('.ts') ? m[1] : `${m[1]}.ts`);
    if (seen.has(target)) continue;
    seen.add(target);
    out.push(target, ...localImports(target, seen));
  }
  return out;
}

/**
 * SHA-256 (hex) of a kernel source and the local files it imports: the source text alone
 * when it imports none, else the source followed by each imported file's repository path and
 * text, so a change to a shared file marks every module built from it stale.
 */
export function kernelSourceHash(sourcePath, source = readFileSync(sourcePath, 'utf8')) {
  const imports = localImports(sourcePath);
  if (imports.length === 0) return sha256Hex(source);
  const h = createHash('sha256').update(source);
  for (const file of imports) h.update(`\n// ${repoPath(file)}\n`).update(readFileSync(file, 'utf8'));
  return h.digest('hex');
}

/**
 * Compile one AssemblyScript file (read from `sourcePath`, with the local files it imports) to
 * wasm bytes, in memory, with the compiler the package at `fromUrl` resolves.
 */
export async function compileAssemblyScript(sourcePath, fromUrl, shared = false, features = []) {
  const asc = (await import(assemblyScriptFrom(fromUrl).ascUrl)).default;
  const dir = dirname(sourcePath);
  const inName = basename(sourcePath);
  const outName = inName.replace(/\.ts$/, '.wasm');
  const outputs = {};
  let errors = '';
  const result = await asc.main(
    [inName, '--outFile', outName, ...ASC_FLAGS, ...features.flatMap((f) => ['--enable', f]), ...(shared ? SHARED_FLAGS : [])],
    {
      // Names are relative to the source's folder; anything else (the standard library) is asc's own.
      readFile: (name) => {
        const path = resolve(dir, name);
        return existsSync(path) ? readFileSync(path, 'utf8') : null;
      },
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
    },
  );
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
 * @param {'plain' | 'shared' | 'both'} [spec.memory] which memory the module links to: a plain
 *   one (`<prefix>_WASM_BASE64`, the default), a shared one (`<prefix>_SHARED_WASM_BASE64`,
 *   see {@link SHARED_FLAGS}), or both constants.
 * @param {string[]} [spec.features] extra WebAssembly features for every variant (`'threads'`:
 *   atomics, which a plain memory also runs while no thread waits).
 */
export function wasmTarget(spec) {
  const sourcePath = fileURLToPath(new URL(`../${spec.source}`, spec.script));
  const generatedPath = fileURLToPath(new URL(`../${spec.generated}`, spec.script));
  const P = spec.constPrefix;

  /** SHA-256 (hex) of the kernel source text and the local files it imports ({@link kernelSourceHash}). */
  const sourceHash = (source = readFileSync(sourcePath, 'utf8')) => kernelSourceHash(sourcePath, source);

  const memory = spec.memory ?? 'plain';

  /** Compile the kernel source to wasm bytes (the plain variant, or the only one). */
  const features = spec.features ?? [];
  const compile = () => compileAssemblyScript(sourcePath, spec.script, memory === 'shared', features);

  /** Compile the shared-memory variant (`memory: 'both'`). */
  const compileShared = () => compileAssemblyScript(sourcePath, spec.script, true, features);

  /** The AssemblyScript version the package compiles with. */
  const version = () => compilerVersion(spec.script);

  /** Names the shared files the hash covers, for the generated doc comment ('' when none). */
  const importsNote = () => {
    const files = localImports(sourcePath).map(repoPath);
    return files.length === 0 ? '' : ` (with ${files.map((f) => `\`${f}\``).join(', ')})`;
  };

  /** The base64 of `bytes` as a concatenation of 100-character string lines. */
  const base64Lines = (bytes) => {
    const b64 = Buffer.from(bytes).toString('base64');
    const lines = [];
    for (let i = 0; i < b64.length; i += 100) lines.push(`  '${b64.slice(i, i + 100)}'`);
    return lines.join(' +\n');
  };

  /**
   * The text of the generated module for given bytes (`sharedBytes`: the shared-memory
   * variant of `memory: 'both'`).
   */
  const generatedModule = (bytes, hash, version, sharedBytes = null) => {
    const name = memory === 'shared' ? `${P}_SHARED_WASM_BASE64` : `${P}_WASM_BASE64`;
    const shared =
      sharedBytes === null
        ? ''
        : `
/** The same module linked to a shared memory (worker threads), base64. */
export const ${P}_SHARED_WASM_BASE64: string =
${base64Lines(sharedBytes)};
`;
    const length = spec.withLength
      ? `/** Byte length of the compiled module. */
export const ${P}_WASM_LENGTH: number = ${bytes.length};

`
      : '';
    return `// GENERATED by ${repoPath(fileURLToPath(spec.script))} from ${repoPath(sourcePath)}.
// Do not edit: run \`pnpm --filter ${spec.packageName} build:wasm\` after changing the kernel source.
// ${spec.stalenessTest} fails when these bytes are stale.

/** SHA-256 (hex) of \`${spec.source}\`${importsNote()} the bytes below were compiled from. */
export const ${P}_SOURCE_SHA256: string = '${hash}';

/** AssemblyScript compiler version that produced the bytes. */
export const ${P}_COMPILER_VERSION: string = '${version}';

${length}/** ${spec.moduleDoc} */
export const ${name}: string =
${base64Lines(bytes)};
${shared}`;
  };

  /** Compile and write the generated module; returns the number of wasm bytes. */
  const build = async () => {
    const bytes = await compile();
    const sharedBytes = memory === 'both' ? await compileShared() : null;
    writeFileSync(generatedPath, generatedModule(bytes, sourceHash(), version(), sharedBytes));
    console.log(`wrote ${generatedPath} (${bytes.length} wasm bytes)`);
    return bytes.length;
  };

  return { sourcePath, generatedPath, sourceHash, compile, compileShared, compilerVersion: version, generatedModule, build };
}

/** Run `target.build()` when `scriptUrl` (the caller's `import.meta.url`) is the script Node started. */
export async function runIfMain(scriptUrl, target) {
  if (process.argv[1] !== undefined && fileURLToPath(scriptUrl) === process.argv[1]) {
    await target.build();
  }
}

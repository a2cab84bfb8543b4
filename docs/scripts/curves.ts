/**
 * `pnpm docs:curves`: measure the tuning curves embedded in the algorithm guides and write
 * them (SVG + markdown tables + raw JSON) into docs/figures/. Reruns the harness on
 * Fashion-MNIST (all 60,000 base vectors, 200 queries) and SIFT-10K (all 10,000 base
 * vectors, 100 queries). Datasets come from ANNLAB_SHARED_DATASETS, else
 * ../shared/datasets beside the repository. Run it alone (it times queries):
 *
 *     flock /tmp/annlab-cpu.lock pnpm docs:curves
 *
 * Options: `--out <dir>` (default docs/figures), `--only <key,...>` (dataset keys),
 * `--replot` (redraw figures, tables and guide blocks from the saved curves-<key>.json
 * without measuring again).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { docsGrids, replotCurves, runCurves, type CurveDataset } from './curves-lib.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const shared = process.env.ANNLAB_SHARED_DATASETS ?? resolve(here, '../../../shared/datasets');
const args = process.argv.slice(2).filter((a) => a !== '--');
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? args[outIdx + 1] : resolve(here, '../figures');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1].split(',') : null;

const datasets: CurveDataset[] = [
  { key: 'fashion-mnist', title: 'Fashion-MNIST', ref: join(shared, 'fashion-mnist'), queries: 200 },
  { key: 'siftsmall', title: 'SIFT-10K', ref: join(shared, 'siftsmall'), queries: 100 },
].filter((d) => only === null || only.includes(d.key));

const guidesDir = resolve(here, '..');
if (args.includes('--replot')) {
  const files = await replotCurves({ outDir, datasets, guidesDir: outIdx >= 0 ? undefined : guidesDir });
  process.stderr.write(`docs:curves --replot: wrote ${files.length} files\n`);
  process.exit(0);
}

for (const d of datasets) {
  if (!existsSync(d.ref)) {
    process.stderr.write(
      `docs:curves: ${d.ref} not found; set ANNLAB_SHARED_DATASETS to the directory holding fashion-mnist/ and siftsmall/.\n`,
    );
    process.exit(2);
  }
}
const out = await runCurves({
  outDir,
  datasets,
  grids: docsGrids,
  guidesDir: outIdx >= 0 ? undefined : guidesDir,
  log: (m) => process.stderr.write(`${m}\n`),
});
process.stderr.write(
  `docs:curves: wrote ${out.files.length} files to ${outDir} in ${out.seconds.toFixed(0)} s; refreshed ${out.updatedGuides.length} guides\n`,
);

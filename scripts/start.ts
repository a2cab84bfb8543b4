/**
 * `pnpm start`: annlab's main job. Runs the default benchmark suite (every annlab algorithm
 * with a small grid on a seeded synthetic dataset generated on the spot, no download),
 * prints the summary table and writes results.jsonl, results.csv, the SVG plots and
 * report.html under ./results/<timestamp>/. Extra arguments go to `annlab bench`
 * (e.g. `pnpm start --only hnsw,ivfflat` or `pnpm start --config fashion-mnist`).
 */
import { join } from 'node:path';
import { runCli } from '@annlab/cli';

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const args = process.argv.slice(2).filter((a) => a !== '--');
const hasOut = args.some((a) => a === '--out' || a === '-o' || a.startsWith('--out='));
const out = join('results', stamp);
process.stderr.write(
  `annlab: running the ${args.includes('--config') || args.includes('-c') ? 'given' : 'default'} suite${hasOut ? '' : `; results go to ${out}/`}\n`,
);
process.exitCode = await runCli(['bench', ...(hasOut ? [] : ['--out', out]), ...args]);

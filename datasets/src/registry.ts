/**
 * Named datasets, under the names and metrics ann-benchmarks uses (Aumüller, Bernhardsson,
 * Faithfull, arXiv:1807.05614), plus `siftsmall-128-euclidean` (TEXMEX ANN_SIFT10K).
 *
 * Each entry says where the data comes from upstream, how large it is and, where it is
 * known, the sha256 of every file, so {@link fetchDataset} can verify what it downloads.
 * Sizes of the ann-benchmarks HDF5 files are the approximate figures from its README
 * (`approximate: true`); their checksums are not published, so they are not verified
 * (the fetch reports the sha256 it computed, so you can pin it). Fashion-MNIST is fetched
 * as the original Zalando IDX files, whose checksums are known and whose pixels are exactly
 * ann-benchmarks' `train`/`test`.
 *
 * @module
 */
import type { Metric } from '@annlab/core';

/** One file of a registry entry. */
export interface RegistryFile {
  /** File name inside the dataset's cache directory (or the cache file name for single-file HDF5 sets). */
  name: string;
  /**
   * Upstream URL. Only http(s) URLs are downloaded; any other scheme (siftsmall's FTP
   * tarball) needs `from` or `ANNLAB_LOCAL_DATASETS`, as the entry's `note` explains.
   */
  url: string;
  /** Size in bytes: exact unless the entry says `approximate`. */
  bytes?: number;
  /** Lowercase hex sha256 of the file, when known; downloads are refused on mismatch. */
  sha256?: string;
}

/** How the files of an entry are laid out once fetched. */
export type RegistryFormat = 'hdf5' | 'idx' | 'texmex';

/** A named dataset. */
export interface RegistryEntry {
  /** The ann-benchmarks name, e.g. `fashion-mnist-784-euclidean`. */
  name: string;
  /** Distance (ann-benchmarks' `angular` is `cosine`). */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** Number of base (train) vectors. */
  nBase: number;
  /** Number of queries (test vectors). */
  nQueries: number;
  /** Ground-truth neighbours per query shipped with the data (0 when none). */
  groundTruthK: number;
  /**
   * `hdf5`: one ann-benchmarks file, cached as `<name>.hdf5`; `idx`/`texmex`: several files,
   * cached in the directory `<name>/`.
   */
  format: RegistryFormat;
  /** The files to fetch. */
  files: RegistryFile[];
  /** True when the `bytes` figures are approximate (rounded sizes from a README). */
  approximate: boolean;
  /**
   * Name of this dataset's folder or file in a local mirror (env `ANNLAB_LOCAL_DATASETS`,
   * laid out like `../shared/datasets`): e.g. `fashion-mnist`, `siftsmall`, or `<name>.hdf5`.
   */
  localName: string;
  /** Where the data is described (paper or project page). */
  homepage: string;
  /** Anything a user should know (licence, provenance, caveats). */
  note: string;
}

const MB = 1_000_000;
const GB = 1_000_000_000;

function annBenchmarks(
  name: string,
  metric: Metric,
  dim: number,
  nBase: number,
  nQueries: number,
  bytes: number,
  homepage: string,
  note: string,
): RegistryEntry {
  return {
    name,
    metric,
    dim,
    nBase,
    nQueries,
    groundTruthK: 100,
    format: 'hdf5',
    files: [{ name: `${name}.hdf5`, url: `http://ann-benchmarks.com/${name}.hdf5`, bytes }],
    approximate: true,
    localName: `${name}.hdf5`,
    homepage,
    note,
  };
}

const FASHION_MNIST_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com';
/** ANN_SIFT10K's only upstream: an FTP tarball holding `siftsmall/` (see the entry's note). */
const SIFTSMALL_FTP = 'ftp://ftp.irisa.fr/local/texmex/corpus/siftsmall.tar.gz';

/** Every named dataset, in a stable order. */
export const REGISTRY: readonly RegistryEntry[] = [
  {
    name: 'fashion-mnist-784-euclidean',
    metric: 'euclidean',
    dim: 784,
    nBase: 60_000,
    nQueries: 10_000,
    groundTruthK: 0,
    format: 'idx',
    files: [
      {
        name: 'train-images-idx3-ubyte.gz',
        url: `${FASHION_MNIST_BASE}/train-images-idx3-ubyte.gz`,
        bytes: 26_421_856,
        sha256: 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
      },
      {
        name: 't10k-images-idx3-ubyte.gz',
        url: `${FASHION_MNIST_BASE}/t10k-images-idx3-ubyte.gz`,
        bytes: 4_422_079,
        sha256: 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
      },
    ],
    approximate: false,
    localName: 'fashion-mnist',
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
    note:
      'Xiao, Rasul, Vollgraf, arXiv:1708.07747; MIT licence (Zalando SE). The original IDX files: train (60,000) is the base, ' +
      "t10k (10,000) the queries, pixels 0..255 as float32, exactly ann-benchmarks' HDF5 " +
      '(http://ann-benchmarks.com/fashion-mnist-784-euclidean.hdf5, 217 MB). Ground truth is computed with the flat index and cached.',
  },
  annBenchmarks(
    'mnist-784-euclidean',
    'euclidean',
    784,
    60_000,
    10_000,
    217 * MB,
    'http://yann.lecun.com/exdb/mnist/',
    'LeCun, Cortes, Burges; handwritten digits, pixels 0..255.',
  ),
  annBenchmarks(
    'sift-128-euclidean',
    'euclidean',
    128,
    1_000_000,
    10_000,
    501 * MB,
    'http://corpus-texmex.irisa.fr/',
    'TEXMEX ANN_SIFT1M (Jégou, Douze, Schmid, TPAMI 2011).',
  ),
  annBenchmarks(
    'gist-960-euclidean',
    'euclidean',
    960,
    1_000_000,
    1_000,
    3.6 * GB,
    'http://corpus-texmex.irisa.fr/',
    'TEXMEX ANN_GIST1M; 3.7 GB of float32 once loaded.',
  ),
  annBenchmarks(
    'glove-25-angular',
    'cosine',
    25,
    1_183_514,
    10_000,
    121 * MB,
    'https://nlp.stanford.edu/projects/glove/',
    'GloVe Twitter word vectors (Pennington, Socher, Manning, EMNLP 2014).',
  ),
  annBenchmarks(
    'glove-50-angular',
    'cosine',
    50,
    1_183_514,
    10_000,
    235 * MB,
    'https://nlp.stanford.edu/projects/glove/',
    'GloVe Twitter word vectors.',
  ),
  annBenchmarks(
    'glove-100-angular',
    'cosine',
    100,
    1_183_514,
    10_000,
    463 * MB,
    'https://nlp.stanford.edu/projects/glove/',
    'GloVe Twitter word vectors.',
  ),
  annBenchmarks(
    'glove-200-angular',
    'cosine',
    200,
    1_183_514,
    10_000,
    918 * MB,
    'https://nlp.stanford.edu/projects/glove/',
    'GloVe Twitter word vectors.',
  ),
  annBenchmarks(
    'nytimes-256-angular',
    'cosine',
    256,
    290_000,
    10_000,
    301 * MB,
    'https://archive.ics.uci.edu/ml/datasets/bag+of+words',
    'UCI bag-of-words NYTimes, reduced to 256 dimensions by ann-benchmarks.',
  ),
  annBenchmarks(
    'deep-image-96-angular',
    'cosine',
    96,
    9_990_000,
    10_000,
    3.6 * GB,
    'http://sites.skoltech.ru/compvision/noimi/',
    'Deep1B subset (Babenko, Lempitsky, CVPR 2016); 3.8 GB of float32 once loaded.',
  ),
  {
    name: 'siftsmall-128-euclidean',
    metric: 'euclidean',
    dim: 128,
    nBase: 10_000,
    nQueries: 100,
    groundTruthK: 100,
    format: 'texmex',
    files: [
      {
        name: 'siftsmall_base.fvecs',
        url: SIFTSMALL_FTP,
        bytes: 5_160_000,
        sha256: '1e90414a3254361aba48a0d58e461f7661fb135dabb3da985290e94de8f60fe0',
      },
      {
        name: 'siftsmall_query.fvecs',
        url: SIFTSMALL_FTP,
        bytes: 51_600,
        sha256: '095af38bda2741be721447ba97e9286fa918ece946be92a9ae133276eddc1a10',
      },
      {
        name: 'siftsmall_groundtruth.ivecs',
        url: SIFTSMALL_FTP,
        bytes: 40_400,
        sha256: 'b0717bf276111a166f14dcc2653fd04465b2afd6d34c72be641b622cf99f95ae',
      },
    ],
    approximate: false,
    localName: 'siftsmall',
    homepage: 'http://corpus-texmex.irisa.fr/',
    note:
      'TEXMEX ANN_SIFT10K (Jégou, Douze, Schmid, TPAMI 2011). Upstream ships only an FTP tarball ' +
      `(${SIFTSMALL_FTP}), and Node has no FTP client, so fetch it yourself and hand over the extracted folder: ` +
      `\`curl -O ${SIFTSMALL_FTP} && tar xzf siftsmall.tar.gz\` (creates siftsmall/), then ` +
      '`annlab datasets fetch siftsmall-128-euclidean --from siftsmall` (fetchDataset option `from`), which verifies the checksums ' +
      'and copies it into the cache; or, without copying, set ANNLAB_LOCAL_DATASETS to the folder that holds siftsmall/.',
  },
];

/** The registry entry named `name`, or undefined. */
export function registryEntry(name: string): RegistryEntry | undefined {
  for (const e of REGISTRY) if (e.name === name) return e;
  return undefined;
}

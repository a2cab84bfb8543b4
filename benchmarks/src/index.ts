/**
 * @annlab/bench: the annlab harness. Suites of algorithms × build grids × search sweeps,
 * recall@k by ann-benchmarks' rule, single-thread QPS and latency percentiles, batch QPS,
 * build time, index bytes, distance computations; JSON lines, CSV, Pareto fronts, SVG plots
 * (vega-lite in Node) and an HTML report. Native peers (hnswlib-node, annoy, usearch, FAISS
 * via Python) run through the same adapter interface as annlab's own indexes.
 *
 * @packageDocumentation
 */
export type { AlgorithmAdapter, BindingCost, BuildInput, BuiltIndex, ExternalMeasurement, Searcher } from './adapters/adapter.js';
export {
  ALGORITHM_NAMES,
  ANNLAB_ALGORITHMS,
  ANNLAB_CLASSES,
  AnnlabAdapter,
  BuiltAnnlabIndex,
  PCA_BUILD_KEYS,
  PCA_CLASSES,
  PcaPipelineAdapter,
  deserializeAnnlabIndex,
  indexUsedBytes,
  isAnnlabAlgorithm,
} from './adapters/annlab.js';
export type { AnnlabAlgorithm, AnnlabClassMap, AnnlabIndexClass, PcaClassMap, UsedBytesHook } from './adapters/annlab.js';
export { AnnoyAdapter, HnswNpmAdapter, HnswlibAdapter, UsearchAdapter } from './adapters/native.js';
export { FaissAdapter } from './adapters/faiss.js';
export { NATIVE_PEERS, createAdapter, knownAlgorithms } from './adapters/registry.js';
export { resolveDataset } from './dataset.js';
export type { BenchDataset, ResolveDatasetOptions } from './dataset.js';
export { annlabVersion, collectEnvironment } from './environment.js';
export type { Environment } from './environment.js';
export { readRun, writeReport, writeRun } from './output.js';
export type { RunInfo, WrittenFiles } from './output.js';
export { dominates, paretoFlags, paretoFront } from './pareto.js';
export type { ParetoPoint } from './pareto.js';
export {
  buildLabel,
  buildMemorySpec,
  pointTooltip,
  recallBuildTimeSpec,
  recallDistancesSpec,
  recallIndexSizeSpec,
  recallLatencySpec,
  recallQpsSpec,
  renderPlots,
  renderSvg,
} from './plots.js';
export type { PlotOptions, Plots, RecallScale } from './plots.js';
export { RECALL_EPSILON, exactDistance, idOverlapRecall, kthDistances, rowDistances, thresholdRecall } from './recall.js';
export type { RecallResult } from './recall.js';
export { escapeHtml, renderReport } from './report.js';
export type { ReportMeta } from './report.js';
export { annlabAlgorithmOf, loadAnnlabIndexFile } from './index-file.js';
export type { IndexFileContext, IndexFileLoader, LoadedIndex } from './index-file.js';
export { markPareto, runSuite } from './runner.js';
export type { BenchmarkRun, ResultLine, RunError, RunEvent, RunOptions, SkippedAlgorithm } from './runner.js';
export { FILE_ALGORITHM, expandGrid, paramsLabel, parseGrid, parseSuite } from './suite.js';
export type { ParamGrid, ParamValue, Params, Suite, SuiteRun } from './suite.js';
export { loadSuite, shippedSuites, suitesDir } from './suites.js';
export {
  RECALL_LEVELS,
  formatBytes,
  formatQps,
  formatSeconds,
  parseJsonLines,
  summarize,
  summaryCells,
  summaryTable,
  textTable,
  toCsv,
  toJsonLines,
} from './summary.js';
export type { SummaryRow } from './summary.js';
export { WARMUP_MS, WARMUP_QUERIES, nowMs, percentile, summarizeLatency, timeQueries } from './timing.js';
export { smallestReaching } from './tune/bisect.js';
export type { BisectResult, SweepPoint } from './tune/bisect.js';
export { tunePlotSpec, tuneTable, tuneUsage, writeTune } from './tune/output.js';
export type { TuneFiles, TuneUsage } from './tune/output.js';
export { TUNABLE_ALGORITHMS, defaultTuneSpace, noLargerThan, spaceConfigurations } from './tune/space.js';
export type { BisectedParam, TuneSpace } from './tune/space.js';
export { selectQueries, splitQueries, tune } from './tune/tune.js';
export type { AlgorithmTune, TuneChoice, TuneOptions, TuneResult, TuneSweep, TunedBuild } from './tune/tune.js';
export type { Latency, QueryTiming, TimeQueriesOptions } from './timing.js';

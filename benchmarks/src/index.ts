/**
 * @annlab/bench: The annlab harness: suites, recall/QPS sweeps, Pareto fronts, JSON lines, SVG plots, HTML report; native peers side by side.
 *
 * @packageDocumentation
 */
export {};

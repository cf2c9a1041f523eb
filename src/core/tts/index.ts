/**
 * Test-time scaling: the public surface for the server, the CLI and other front ends. Read
 * files with `ingest/evalSamples`, analyse with `analyzeTestTime`, show with `testTimePanel`,
 * print with `testTimeJson`; `plannerViews` rebuilds the planner for a new target or axis.
 */
export { analyzeTestTime, analyzeConfig } from './analyze';
export type { TestTimeOptions, TestTimeAnalysis, ConfigAnalysis, MetricCurve, CurvePoint, SaturationPoint, SequentialAnalysis } from './analyze';
export { testTimePanel, testTimeJson, plannerViews, configChart, plainJson } from './report';
export type { TestTimeJson, ConfigJson, CurvePointJson } from './report';
export { COST_AXES, COST_UNIT, paramsFromName, sampleCosts, costCurve } from './cost';
export type { CostAxis, CostSettings, ModelSpec, Price } from './cost';
export { buildTables, tableFromArrays, tableFields, DEFAULT_THRESHOLD } from './table';
export type { ConfigTable, TableOptions } from './table';
export { passAtK, passHatK, passAtKCurve, passHatKCurve } from './passAtK';
export { majorityAtKExact, majorityAtKMonteCarlo, exactFeasible } from './majority';
export type { VoteCounts } from './majority';
export { passAtKEstimate, passHatKEstimate, majorityAtKEstimate, gradedProblems, commonK, MAJORITY_RULES } from './parallel';
export type { CurveEstimate, MajorityOptions } from './parallel';
export { expectedAtBest, selectionEstimate } from './selection';
export { votingEstimate, votingMonteCarlo } from './voting';
export { bootstrapCurves, bootstrapMean, DEFAULT_RESAMPLES } from './bootstrap';
export type { Band, BootstrapOptions } from './bootstrap';
export { ProblemCurves, buildCurves, curvesFromMatrix } from './curves';
export { sequentialScaling } from './sequential';
export { verifierQuality, acceptFirstEstimate } from './verifier';
export { solveVersusVerify } from './solveVerify';
export { difficultyAllocation } from './allocation';
export { agreement, earlyStopping } from './redundancy';
export { horizonLength, horizonSlope, horizonGain, stepAccuracyFor } from './longHorizon';
export * from './laws';
export { pricesForSamples } from './prices';

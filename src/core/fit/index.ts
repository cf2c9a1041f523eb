/** The fitting engine's public surface: fit a law, compare laws, and the pieces they are built from. */
export { fitLaw, defaultDelta, defaultResamples } from './fitLaw';
export { compareLaws } from './compare';
export type { Comparison, CompareOptions, Extrapolation, LawScore } from './compare';
export type {
  BootstrapSummary,
  DerivedResult,
  FitData,
  FitFailure,
  FitIssue,
  FitMethod,
  FitOptions,
  FitResult,
  FitSuccess,
  Interval,
  IssueSeverity,
  PredictionResult,
} from './types';
export { huber } from './objective';
export { minimizeBounded, type LbfgsbOptions } from './lbfgsb';
export { levenbergMarquardt, type LmOptions } from './levenbergMarquardt';
export type { MinimizeResult, Objective, Residuals, StopReason } from './optimizer';
export { createRandom, type Random } from './random';
export { percentileInterval } from './quantile';
export { compileLaw, genericModel, lawDeclarationProblems } from './model';

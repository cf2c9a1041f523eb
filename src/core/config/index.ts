/**
 * Training configs in the editor (YAML, JSON, TOML): the plan they describe and what the fitted
 * laws say about it, as hovers, diagnostics, code actions and a side panel. Pure core: the
 * server turns these plain results into LSP messages.
 */
export { analyzeConfig, isTrainingConfig, type ConfigAnalysis, type ConfigAnalysisOptions } from './analyze';
export { assessPlan, lossSurfaces, type AssessOptions, type ConfigAssessment, type ConfigLaws, type FrontierPosition, type LossCurve, type StepLawAdvice } from './assess';
export { budgetEdits, configCodeActions, type ConfigActionId, type ConfigCodeAction, type TextEdit } from './actions';
export { configDiagnostics, defaultThresholds, type ConfigProblem, type DiagnosticThresholds } from './diagnostics';
export { configFormatOf, keyAt, LineIndex, parseConfig, type ConfigFormat, type ConfigKey, type ConfigLeafValue, type ConfigScalar, type ParsedConfig, type Position, type Range } from './document';
export { configHovers, escapeMarkdown, hoverAt, type KeyHover } from './hover';
export { formatLike, roundCount } from './numberStyle';
export { configPanel, type PanelOptions } from './panel';
export { derivePlan, type BatchTarget, type ConfigPlan, type PlanInputs, type PlanMethod, type PlanOptions, type PlanValue, type RecognisedKey, type SizeTarget, type TokensTarget } from './plan';
export { roleTitles, type Role, type RoleMapping } from './roles';
export { locateTomlKeys } from './tomlLocator';

import { assessPlan, type AssessOptions, type ConfigAssessment, type ConfigLaws } from './assess';
import { parseConfig, type ConfigFormat, type ParsedConfig } from './document';
import { derivePlan, type ConfigPlan, type PlanOptions } from './plan';

/**
 * One pass over a config for everything the editor shows: parse, plan, predictions. The
 * hovers, diagnostics, code actions and side panel are read off the result, so a server keeps
 * one `ConfigAnalysis` per open document version.
 */

export interface ConfigAnalysisOptions extends PlanOptions, AssessOptions {
  laws?: ConfigLaws;
}

export interface ConfigAnalysis {
  config: ParsedConfig;
  plan: ConfigPlan;
  assessment: ConfigAssessment;
  laws: ConfigLaws;
}

export function analyzeConfig(text: string, format: ConfigFormat, options: ConfigAnalysisOptions = {}): ConfigAnalysis {
  const config = parseConfig(text, format);
  const plan = derivePlan(config, options);
  const laws = options.laws ?? {};
  const assessment = assessPlan(plan, laws, options);
  return { config, plan, assessment, laws };
}

/**
 * Whether the file looks like a training config at all: at least two of model size, training
 * length, learning rate and batch are recognised. The server can skip YAML that is not one
 * (CI workflows, compose files) without showing anything.
 */
export function isTrainingConfig(plan: ConfigPlan): boolean {
  const size = plan.N.value !== null;
  const length = plan.steps.value !== null || plan.D.value !== null || plan.recognised.some((r) => r.role === 'epochs');
  const lr = plan.lr.value !== null;
  const batch = plan.batchSequences.value !== null || plan.batchTokens.value !== null;
  return [size, length, lr, batch].filter(Boolean).length >= 2;
}

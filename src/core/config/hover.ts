import type { Estimate } from '../recommend/budget';
import type { ConfigAnalysis } from './analyze';
import { keyAt, type Range } from './document';
import { fmtCount, fmtDelta, fmtFactor, fmtHours, fmtInterval, fmtLoss, fmtSci } from './format';
import type { PlanValue, RecognisedKey } from './plan';

/**
 * Hover text for the keys that set size, tokens, learning rate and batch: what the key
 * contributes to the plan and how, then what the laws predict for the whole plan. Everything
 * that comes from the file (key names, values, the derivation sentences that quote them) is
 * escaped, so a config cannot inject markup or links into the hover.
 */

export interface KeyHover {
  path: string;
  /** From the start of the key to the end of its value. */
  range: Range;
  markdown: string;
}

/** Markdown-escaped text: every character CommonMark could read as syntax gets a backslash; `<`, `>`, `&` become entities. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~:]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const esc = escapeMarkdown;

export function configHovers(analysis: ConfigAnalysis): KeyHover[] {
  return analysis.plan.recognised.map((r) => hoverFor(analysis, r)).filter((h): h is KeyHover => h !== undefined);
}

/** The hover for the recognised key under the offset, or undefined. */
export function hoverAt(analysis: ConfigAnalysis, offset: number): KeyHover | undefined {
  const key = keyAt(analysis.config, offset);
  const r = key ? analysis.plan.recognised.find((x) => x.path === key.path) : undefined;
  return r ? hoverFor(analysis, r) : undefined;
}

function hoverFor(analysis: ConfigAnalysis, r: RecognisedKey): KeyHover | undefined {
  const key = analysis.config.byPath.get(r.path);
  if (!key) return undefined;
  const { plan, assessment } = analysis;
  const lines: string[] = [];
  lines.push(`**Scaling Lens** · ${esc(r.title)} — ${esc(r.path)}`);
  lines.push('');
  for (const what of r.feeds) {
    const line = contribution(analysis, what);
    if (line) lines.push(line, '');
  }

  const f = assessment.frontier;
  const level = `${Math.round(assessment.ciLevel * 100)}%`;
  if (f && assessment.loss) {
    lines.push(`| | this config | compute-optimal at ${fmtSci(f.C)} FLOPs |`, '|---|---:|---:|');
    lines.push(`| parameters N | ${fmtCount(plan.N.value!)} | ${est(f.N, fmtCount)} |`);
    lines.push(`| tokens D | ${fmtCount(plan.D.value!)} | ${est(f.D, fmtCount)} |`);
    lines.push(`| tokens per parameter | ${fmtSci(f.planTokensPerParam)} | ${est(f.optimalTokensPerParam, (v) => fmtSci(v))} |`);
    lines.push(`| predicted final loss | ${est(assessment.loss, fmtLoss)} | ${est(f.lossAtOptimum, fmtLoss)} |`);
    lines.push('');
    lines.push(frontierSentence(analysis));
    lines.push('');
  } else if (assessment.law === null) {
    lines.push('_No fitted loss law for this workspace yet: fit a sweep to see the predicted loss and the compute-optimal split._', '');
  }

  const compute: string[] = [];
  if (plan.C.value !== null) compute.push(`compute ${fmtSci(plan.C.value)} FLOPs (${plan.flopsPerToken}·N·D)`);
  if (plan.gpuHours.value !== null) compute.push(`${fmtHours(plan.gpuHours.value)} GPU-hours at ${fmtSci(plan.throughput.value!)} FLOP/s per GPU`);
  if (plan.wallClockHours.value !== null) compute.push(`${fmtHours(plan.wallClockHours.value)} h on ${plan.devices.value} GPUs`);
  if (compute.length) lines.push(capitalise(compute.join(' · ')), '');

  if (!r.feeds.includes('lr') && !r.feeds.includes('batch')) {
    const s = stepLawLine(analysis);
    if (s) lines.push(s, '');
  }
  const notes = [...assessment.notes, ...plan.notes];
  if (assessment.samples > 0) notes.push(`Intervals: ${level}, from ${assessment.samples} bootstrap resamples of the fit${assessment.lawSource ? ` to ${assessment.lawSource}` : ''}.`);
  for (const n of notes) lines.push(`_${esc(n)}_`, '');
  const range: Range = { start: key.keyRange.start, end: key.valueRange.end.offset >= key.keyRange.end.offset ? key.valueRange.end : key.keyRange.end };
  return { path: r.path, range, markdown: lines.join('\n').trimEnd() + '\n' };
}

function est(e: Estimate, f: (v: number) => string): string {
  if (e.value === null) return '—';
  const ci = interval(e.ci, f);
  return ci ? `${f(e.value)} ${ci}` : f(e.value);
}

/** `\[a, b\]`: brackets escaped so an interval can never pair up with a link. */
function interval(ci: Estimate['ci'], f: (v: number) => string): string {
  return fmtInterval(ci, f).replace(/\[/g, '\\[').replace(/\]/g, '\\]');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function derived(label: string, v: PlanValue, f: (n: number) => string): string {
  if (v.value === null) return `${label}: unknown — ${esc(v.how)}`;
  return `${label} = **${f(v.value)}**: ${esc(v.how)}`;
}

function contribution(analysis: ConfigAnalysis, what: RecognisedKey['feeds'][number]): string | null {
  const { plan } = analysis;
  switch (what) {
    case 'N': {
      const alt = plan.N.alternatives?.length ? ` (also: ${plan.N.alternatives.map((a) => `${fmtCount(a.value ?? NaN)} from ${a.method === 'name' ? 'the name' : a.method}`).join('; ')})` : '';
      return `${derived(plan.size === 'total' ? 'Parameters N' : 'Non-embedding parameters N', plan.N, fmtCount)}${esc(alt)}`;
    }
    case 'D':
      return derived('Training tokens D', plan.D, fmtCount);
    case 'batch': {
      const b = plan.batchSequences;
      const line = b.value === null ? `Batch: unknown — ${esc(b.how)}` : `Batch = **${fmtCount(b.value)} sequences** (${plan.batchTokens.value !== null ? `${fmtCount(plan.batchTokens.value)} tokens` : 'tokens unknown'}) per step: ${esc(b.how)}`;
      const s = stepLawBatchLine(analysis);
      return s ? `${line}\n\n${s}` : line;
    }
    case 'lr': {
      const line = derived('Peak learning rate', plan.lr, (v) => fmtSci(v));
      const s = stepLawLrLine(analysis);
      return s ? `${line}\n\n${s}` : line;
    }
    case 'GPU-hours':
      return derived('GPU-hours', plan.gpuHours, fmtHours);
    case 'schedule':
      return plan.schedule ? `Schedule: ${esc(plan.schedule.how)}` : null;
  }
}

function frontierSentence(analysis: ConfigAnalysis): string {
  const f = analysis.assessment.frontier!;
  const factor = f.factor.value;
  if (factor === null) return 'Where the plan sits on the frontier is undefined for this fit.';
  const penalty = `predicted loss ${fmtDelta(f.penalty.value ?? NaN)}${f.penalty.ci ? ` ${interval(f.penalty.ci, fmtDelta)}` : ''} over the optimum at the same compute`;
  if (factor >= 1.1) return `**${fmtFactor(factor)} more tokens per parameter** than compute-optimal at this budget (a smaller model trained longer): ${penalty}.`;
  if (factor <= 1 / 1.1) return `**${fmtFactor(1 / factor)} fewer tokens per parameter** than compute-optimal at this budget (a larger model trained shorter): ${penalty}.`;
  return `Within 10% of the compute-optimal tokens per parameter: ${penalty}.`;
}

function stepLawLrLine(analysis: ConfigAnalysis): string | null {
  const s = analysis.assessment.stepLaw;
  if (!s || s.lr.value === null) return null;
  const vs = s.lrFactor !== null ? `; the config's is ${fmtFactor(s.lrFactor)} that` : '';
  return `${esc(s.source)}: optimal peak learning rate **${est(s.lr, (v) => fmtSci(v, 2))}** for N = ${fmtCount(s.N)} non-embedding parameters and D = ${fmtCount(s.D)} tokens${vs}.`;
}

function stepLawBatchLine(analysis: ConfigAnalysis): string | null {
  const s = analysis.assessment.stepLaw;
  if (!s || s.batchTokens.value === null) return null;
  const seqs = s.batchSequences !== null ? ` ≈ ${fmtCount(s.batchSequences)} sequences of ${analysis.plan.seqLen.value}` : '';
  const vs = s.batchFactor !== null ? `; the config's is ${fmtFactor(s.batchFactor)} that` : '';
  return `${esc(s.source)}: optimal batch **${est(s.batchTokens, fmtCount)} tokens**${seqs} for D = ${fmtCount(s.D)}${vs}.`;
}

function stepLawLine(analysis: ConfigAnalysis): string | null {
  const a = stepLawLrLine(analysis);
  const b = stepLawBatchLine(analysis);
  return a && b ? `${a}\n\n${b}` : (a ?? b);
}

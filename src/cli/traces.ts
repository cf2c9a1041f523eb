import { stat } from 'node:fs/promises';
import { formatProblem } from '../core/ingest/problem';
import { bundledTokenizers, isBundledTokenizerId } from '../core/tokens';
import { fileSummaryPanel, summarizeTraceFile, tokensJson, tracesJson, type FileTraceSummary } from '../core/traces';
import { truncationCurves } from '../core/tts/truncation';
import { EXIT, UsageError } from './exit';
import { candidateFilesOf } from './inputs';
import { writeHtmlReport } from './report';

export interface TraceCommandOptions {
  json: boolean;
  tokenizer?: string;
  output?: string;
}

async function summarize(path: string, name: string, options: TraceCommandOptions): Promise<FileTraceSummary> {
  try {
    if ((await stat(path)).isDirectory()) throw new UsageError(`${name} is a folder: give trace files`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`no such file: ${name}`);
  }
  if (options.tokenizer && !isBundledTokenizerId(options.tokenizer) && !/^(file|estimate):/.test(options.tokenizer)) {
    throw new UsageError(`--tokenizer expects one of ${bundledTokenizers.map((t) => t.id).join(', ')}, file:PATH/tokenizer.json, estimate:claude or estimate:gemini, got '${options.tokenizer}'`);
  }
  // Big files are split across worker threads (dist/traceWorker.js beside this bundle).
  return summarizeTraceFile(path, { tokenizer: options.tokenizer }, name);
}

const n = (v: number) => v.toLocaleString('en-US');

/** `scaling-lens tokens FILE`: per-record token counts (thinking, answer, total, reported) and dollars. */
export async function tokensCommand(paths: string[], options: TraceCommandOptions): Promise<number> {
  let problems = 0;
  const out: ReturnType<typeof tokensJson>[] = [];
  for (const { path, name } of await candidateFilesOf(paths, true)) {
    const s = await summarize(path, name, options);
    problems += s.fileProblems.filter((p) => p.severity === 'error').length;
    if (options.json) {
      out.push(tokensJson(s));
      continue;
    }
    const w = (t = '') => process.stdout.write(t + '\n');
    w(`${name} (${s.format ?? 'not a trace file'}): ${n(s.records)} records; tokenizer ${s.tokenizers.map((t) => `${t.id}${t.exact ? '' : ' (estimate)'} × ${n(t.records)}`).join(', ') || 'none'}`);
    w('  id                          line   thinking     answer      total   reported   dollars');
    for (const r of s.rows) {
      const est = r.countsFrom === 'estimated' ? '~' : '';
      const reported = r.reported?.output ?? r.reported?.reasoning;
      w(`  ${r.id.slice(0, 26).padEnd(26)} ${String(r.line).padStart(6)} ${(est + n(r.thinking)).padStart(10)} ${(est + n(r.answer)).padStart(10)} ${(est + n(r.total)).padStart(10)} ${(reported === undefined ? '' : n(reported) + (r.check?.flagged ? '!' : '')).padStart(10)} ${(r.dollars === undefined ? '' : `$${r.dollars.toFixed(4)}`).padStart(9)}`);
    }
    const t = s.totals;
    w(`  total: ${n(t.thinking)} thinking + ${n(t.answer)} answer = ${n(t.total)} tokens${t.dollars !== undefined ? `, $${t.dollars.toFixed(2)} (${t.priceRows.join('; ')})` : ', no price row'}`);
    if (s.usageFlagged) w(`  ! ${s.usageFlagged} record${s.usageFlagged === 1 ? '' : 's'} where counted and reported tokens differ beyond the chat-template overhead`);
    for (const p of s.fileProblems) process.stderr.write(formatProblem(p) + '\n');
  }
  if (options.json) process.stdout.write(JSON.stringify(out.length === 1 ? out[0] : out, null, 2) + '\n');
  return problems ? EXIT.problems : EXIT.ok;
}

/** `scaling-lens traces FILE`: what the thinking did — markers, overthinking, truncation, agreement. */
export async function tracesCommand(paths: string[], options: TraceCommandOptions): Promise<number> {
  let problems = 0;
  const out: ReturnType<typeof tracesJson>[] = [];
  for (const { path, name } of await candidateFilesOf(paths, true)) {
    const s = await summarize(path, name, options);
    problems += s.fileProblems.filter((p) => p.severity === 'error').length;
    if (options.output) await writeHtmlReport(options.output, fileSummaryPanel(s));
    if (options.json) {
      out.push(tracesJson(s));
      continue;
    }
    const w = (t = '') => process.stdout.write(t + '\n');
    const t = s.totals;
    w(`${name}: ${n(s.records)} traces, ${n(t.thinking)} thinking and ${n(t.answer)} answer tokens${t.dollars !== undefined ? `, $${t.dollars.toFixed(2)}` : ''}`);
    w(`  cut off at the length limit: ${s.truncated}; <think> never closed: ${s.unclosedThink}; reported usage differs: ${s.usageFlagged}`);
    w(`  backtracking/hedging markers: ${n(s.markers.total)} (${s.markers.ratePer1k.toFixed(2)} per 1k thinking tokens) — ${Object.entries(s.markers.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    w(`  overthinking: ${s.overthinking.traces} traces kept thinking after the final answer appeared: ${n(s.overthinking.tokensAfter)} tokens (${(100 * s.overthinking.share).toFixed(1)}% of thinking)`);
    if (s.correctness.judged) w(`  correct: ${s.correctness.correct} of ${s.correctness.judged} judged against a reference`);
    for (const c of truncationCurves(s.rows)) {
      w(`  accuracy if ${c.model}'s thinking were cut at a budget (${c.traces} traces): ${c.points.map((p) => `${p.budget.toLocaleString('en-US')} → ${(100 * p.accuracy).toFixed(0)}%`).join(', ')}`);
    }
    const o = s.problems;
    if (o.multiTrace) {
      const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(0)}%`);
      w(`  ${o.multiTrace} of ${o.problems} problems have several traces: answers agree ${pct(o.meanAgreement)} on average; similarity ${o.meanSimilarity === undefined ? 'n/a' : o.meanSimilarity.toFixed(2)}`);
      if (o.pairs) w(`  shorter is more often correct: in ${pct(o.correctShorterShare)} of ${o.pairs} (correct, incorrect) pairs the correct trace is shorter; the shortest trace is correct in ${pct(o.shortestCorrectRate)} of problems`);
    }
    for (const x of s.fileProblems) process.stderr.write(formatProblem(x) + '\n');
  }
  if (options.json) process.stdout.write(JSON.stringify(out.length === 1 ? out[0] : out, null, 2) + '\n');
  return problems ? EXIT.problems : EXIT.ok;
}

import { INSPECT_BATCH, inspectSamples, openInspectArchive } from '../inspectArchive';
import { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import { Checkpoint } from '../../work';
import { assignSampleIndices, coerceCorrect, coerceNumber, coerceText, missingNotes } from './fields';
import { errorOffset, errorReason, firstValue, LineIndex, parseJson, readText, scanMembers } from './json';
import { isByteSource, type EvalNote, type EvalReadOptions, type EvalSample, type EvalSampleReader, type EvalSampleSet } from './types';

/**
 * UK AISI Inspect eval logs: the `.eval` zip (`header.json`, one `samples/<id>_epoch_<n>.json`
 * per sample) and the older single `.json` log (`eval`, `samples`, ...). Epochs are Inspect's
 * repeated samples of one problem, so epoch e is sample e − 1.
 */

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

interface EvalHeader {
  model?: string;
  budget?: number;
}

function headerOf(log: Json | undefined): EvalHeader {
  const ev = obj(log?.eval);
  const out: EvalHeader = {};
  if (typeof ev?.model === 'string') out.model = ev.model;
  const gen = obj(ev?.model_generate_config);
  // Anthropic-style thinking budgets; OpenAI effort levels are words, not a token budget.
  const budget = coerceNumber(gen?.reasoning_tokens);
  if (budget.ok && budget.value !== undefined) out.budget = budget.value;
  return out;
}

/** Text of the model's output: `completion`, or the first choice's text content blocks. */
function completionOf(output: Json | undefined): string | undefined {
  if (typeof output?.completion === 'string' && output.completion !== '') return output.completion;
  const choice = obj((output?.choices as unknown[] | undefined)?.[0]);
  const content = obj(choice?.message)?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const text = content.map((b) => (obj(b)?.type === 'text' ? String(obj(b)?.text ?? '') : '')).join('');
    return text || undefined;
  }
  return undefined;
}

interface SampleContext {
  sink: ProblemSink;
  header: EvalHeader;
  options: EvalReadOptions;
  scorer?: string;
  scorers: Set<string>;
  dictScores: { count: number };
}

function toSample(raw: Json, at: { line: number; column?: number; member?: string }, ctx: SampleContext): EvalSample | undefined {
  const problemId = coerceText(raw.id);
  const where = { line: at.line, column: at.column ?? 1 };
  if (problemId === undefined) {
    ctx.sink.add({ ...where, severity: 'error', code: 'eval/no-problem-id', message: `${at.member ? at.member + ': ' : ''}sample without an 'id'; skipped.` });
    return undefined;
  }
  if (raw.error !== undefined && raw.error !== null) {
    const msg = coerceText(obj(raw.error)?.message ?? raw.error) ?? 'error';
    ctx.sink.add({ ...where, severity: 'warning', code: 'eval/sample-error', message: `Sample ${problemId} ended in an error (${msg.slice(0, 120)}); it is left out.` });
    return undefined;
  }
  const s: EvalSample = { problemId, line: at.line };
  if (at.column !== undefined) s.column = at.column;
  if (at.member !== undefined) s.member = at.member;
  const epoch = coerceNumber(raw.epoch);
  if (epoch.ok && epoch.value !== undefined) s.sampleIndex = epoch.value - 1;
  const output = obj(raw.output);
  const model = ctx.options.model ?? ctx.header.model ?? (typeof output?.model === 'string' ? output.model : undefined);
  if (model !== undefined) s.model = model;
  if (ctx.header.budget !== undefined) s.budget = ctx.header.budget;
  const target = Array.isArray(raw.target) ? raw.target[0] : raw.target;
  const reference = coerceText(target);
  if (reference !== undefined) s.reference = reference;

  const scores = obj(raw.scores);
  if (scores) {
    for (const name of Object.keys(scores)) ctx.scorers.add(name);
    ctx.scorer ??= ctx.options.select ?? Object.keys(scores)[0];
    const score = obj(scores[ctx.scorer!]);
    if (score) {
      let value = score.value;
      const dict = obj(value);
      if (dict) {
        ctx.dictScores.count++;
        value = Object.values(dict).find((v) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string');
      }
      const c = coerceCorrect(value);
      if (c.ok) {
        if (c.value !== undefined) s.correct = c.value;
      } else ctx.sink.add({ ...where, severity: 'warning', code: 'eval/bad-value', message: `Score of sample ${problemId} (${ctx.scorer}): ${c.why}; correctness unknown.` });
      const answer = coerceText(score.answer);
      if (answer !== undefined) s.answer = answer;
    }
    const verifierName = ctx.options.mapping?.verifierScore;
    const verifier = verifierName ? obj(scores[verifierName]) : undefined;
    if (verifier) {
      // A second scorer used as the verifier: its value as a number (C/I as 1/0).
      const c = coerceCorrect(verifier.value);
      if (c.ok && c.value !== undefined) s.verifierScore = Number(c.value);
    }
  }
  if (s.answer === undefined) {
    const completion = completionOf(output);
    if (completion !== undefined) s.answer = completion.trim();
  }
  const usage = obj(output?.usage);
  if (usage) {
    const input = coerceNumber(usage.input_tokens);
    const out = coerceNumber(usage.output_tokens);
    const reasoning = coerceNumber(usage.reasoning_tokens);
    if (input.ok && input.value !== undefined) s.promptTokens = input.value;
    const think = reasoning.ok ? reasoning.value : undefined;
    if (think !== undefined) s.thinkingTokens = think;
    // Providers count reasoning inside output tokens.
    if (out.ok && out.value !== undefined) s.answerTokens = think !== undefined && out.value >= think ? out.value - think : out.value;
  }
  // The generation's own time; working and total time also include scoring (a grader model).
  const time = coerceNumber(output?.time ?? raw.working_time ?? raw.total_time);
  if (time.ok && time.value !== undefined) s.latency = time.value;
  return s;
}

function finish(file: string, samples: EvalSample[], sink: ProblemSink, ctx: SampleContext, extra: EvalNote[]): EvalSampleSet {
  assignSampleIndices(samples);
  const notes = [...extra];
  if (ctx.scorer !== undefined) {
    const others = [...ctx.scorers].filter((s) => s !== ctx.scorer && s !== ctx.options.mapping?.verifierScore);
    notes.push({
      code: 'eval/scorer',
      message: `Correctness is scorer '${ctx.scorer}' (C/I/P/N read as 1/0/0.5/0)${others.length ? `; other scorers not used: ${others.join(', ')} (choose with the select option)` : ''}.`,
    });
  }
  if (ctx.dictScores.count > 0) {
    notes.push({ code: 'eval/dict-score', message: `${ctx.dictScores.count} scores hold several values; the first of each was taken as correctness.` });
  }
  notes.push(...missingNotes(samples));
  return { file, format: 'inspect-log', samples, problems: sink.finish(), notes };
}

async function readJsonLog(source: TextSource, options: EvalReadOptions): Promise<EvalSampleSet> {
  const sink = new ProblemSink(source.name);
  const text = await readText(source, options);
  const lines = new LineIndex(text);
  const top = scanMembers(text, firstValue(text));
  const ctx: SampleContext = { sink, header: {}, options, scorers: new Set(), dictScores: { count: 0 } };
  const samples: EvalSample[] = [];
  if (!top || top.kind !== 'object') {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/not-an-object', message: 'An Inspect log is one JSON object; this file is not.' });
    return finish(source.name, samples, sink, ctx, []);
  }
  const evalMember = top.members.find((m) => m.key === 'eval');
  if (evalMember) {
    try {
      ctx.header = headerOf({ eval: parseJson(text.slice(evalMember.start, evalMember.end)) });
    } catch (e) {
      sink.add({ ...lines.locate(evalMember.start), severity: 'warning', code: 'eval/bad-json', message: `The 'eval' header is not valid JSON (${errorReason(e)}); model and budget are unknown.` });
    }
  }
  const samplesMember = top.members.find((m) => m.key === 'samples');
  const extra: EvalNote[] = [];
  if (!samplesMember) {
    extra.push({ code: 'eval/no-samples-logged', message: 'This Inspect log has no samples (run with log_samples to keep them); only aggregate scores exist, so no per-sample estimate can be made.' });
  } else {
    const list = scanMembers(text, samplesMember.start);
    const checkpoint = new Checkpoint(options);
    for (const [i, m] of (list?.members ?? []).entries()) {
      const at = lines.locate(m.start);
      try {
        const raw = obj(parseJson(text.slice(m.start, m.end)));
        if (!raw) {
          sink.add({ ...at, severity: 'error', code: 'eval/not-an-object', message: 'A sample is not a JSON object; skipped.' });
          continue;
        }
        const s = toSample(raw, at, ctx);
        if (s) samples.push(s);
      } catch (e) {
        const off = errorOffset(e);
        sink.add({ ...lines.locate(m.start + (off ?? 0)), severity: 'error', code: 'eval/bad-json', message: `A sample is not valid JSON (${errorReason(e)}); skipped.` });
      }
      if ((i & 63) === 0) await checkpoint.tick(i / (list?.members.length ?? 1), `Reading sample ${i}`);
    }
    if (list?.error) sink.add({ ...lines.locate(list.error.offset), severity: 'error', code: 'eval/bad-json', message: `The samples list breaks off here (${list.error.message}); samples after it are lost.` });
  }
  if (top.error) sink.add({ ...lines.locate(top.error.offset), severity: 'error', code: 'eval/bad-json', message: `The log breaks off here (${top.error.message}).` });
  return finish(source.name, samples, sink, ctx, extra);
}

async function readZipLog(source: TextSource, options: EvalReadOptions): Promise<EvalSampleSet> {
  const sink = new ProblemSink(source.name);
  const ctx: SampleContext = { sink, header: {}, options, scorers: new Set(), dictScores: { count: 0 } };
  const samples: EvalSample[] = [];
  if (!isByteSource(source)) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/needs-bytes', message: 'An Inspect .eval log is a zip archive and must be opened as bytes, not text.' });
    return finish(source.name, samples, sink, ctx, []);
  }
  const data = await source.bytes();
  let archive;
  try {
    archive = openInspectArchive(data);
  } catch (e) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/bad-zip', message: `Not a readable zip archive (${String((e as Error).message ?? e)}).` });
    return finish(source.name, samples, sink, ctx, []);
  }
  const { headerText, sampleNames: names } = archive;
  if (headerText !== undefined) {
    try {
      ctx.header = headerOf(obj(parseJson(headerText)));
    } catch (e) {
      sink.add({ line: 1, column: 1, severity: 'warning', code: 'eval/bad-json', message: `header.json is not valid JSON (${errorReason(e)}); model and budget are unknown.` });
    }
  }
  const extra: EvalNote[] = [];
  if (names.length === 0) extra.push({ code: 'eval/no-samples-logged', message: 'This Inspect log has no samples/ entries; only aggregate scores exist.' });
  const checkpoint = new Checkpoint(options);
  for (let b = 0; b < names.length; b += INSPECT_BATCH) {
    for (const [member, text] of inspectSamples(data, names, b, INSPECT_BATCH)) {
      if (text === undefined) continue;
      try {
        const raw = obj(parseJson(text));
        if (!raw) {
          sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/not-an-object', message: `${member} is not a JSON object; skipped.` });
          continue;
        }
        const s = toSample(raw, { line: 1, member }, ctx);
        if (s) samples.push(s);
      } catch (e) {
        sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/bad-json', message: `${member} is not valid JSON (${errorReason(e)}); skipped.` });
      }
    }
    await checkpoint.tick(b / names.length, `Reading sample ${b}`);
  }
  return finish(source.name, samples, sink, ctx, extra);
}

export const inspectLogReader: EvalSampleReader = {
  id: 'inspect-log',
  title: 'Inspect eval log (.eval, .json)',
  detect(name, head) {
    if (/\.eval$/i.test(name)) return head.startsWith('PK') ? 0.95 : 0.5;
    if (!/\.json$/i.test(name)) return 0;
    // The log's first keys: version, status, eval (with task and model).
    const shaped = /"eval"\s*:\s*\{/.test(head) && /"(task|task_id|run_id)"\s*:/.test(head) && /"version"\s*:/.test(head);
    return shaped ? 0.9 : 0;
  },
  read(source, options = {}) {
    return /\.eval$/i.test(source.name) ? readZipLog(source, options) : readJsonLog(source, options);
  },
};

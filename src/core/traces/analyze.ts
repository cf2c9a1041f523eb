import type { ReportedUsage, TraceRecord } from '../ingest/traces/record';
import type { CountOptions, PieceSink, TokenCounter } from '../tokens/bpe';
import { CountCache, contentHash } from '../tokens/countCache';
import { counterFor } from '../tokens/counters';
import { defaultModelRules, tokenizerForModel, type ModelRule } from '../tokens/models';
import { costOf, priceFor, type Cost, type PriceRow } from '../tokens/prices';
import { answersMatch, extractAnswer, referenceAnswer, type AnswerRule } from './answer';
import { defaultMarkers, MarkerMatcher, type MarkerSpec } from './markers';
import { firstAnswerPoint } from './overthinking';
import { analyzeWords, ShingleSketch, SKETCH_SAMPLE_MASK, type RepeatedSpan } from './repetition';
import { countSteps, segmentSteps, type StepKind } from './steps';

/**
 * Per-trace analysis: token costs in the model's own tokenizer (thinking, answer, tool calls,
 * reported usage beside them), what the thinking did (steps, backtracking and hedging markers,
 * the first point the final answer appears and the tokens spent after it, repetition), the final
 * answer and whether it is right, and the dollar cost with the price row it used.
 */

export interface TraceOptions {
  /** The user's model → tokenizer rules; tried before the defaults. */
  modelRules?: readonly ModelRule[];
  /** Tokenizer for records whose model no rule matches (default `o200k_base`). */
  defaultTokenizer?: string;
  /** One tokenizer for every record, whatever its model says. */
  tokenizer?: string;
  /** The user's price rows; tried before the defaults. */
  prices?: readonly PriceRow[];
  /** Marker list (replaces the defaults). */
  markers?: readonly MarkerSpec[];
  /**
   * `summary`: counts and rates only (what a file summary needs; fastest). `full`: also steps
   * with their token counts, each marker with its position, repeated spans.
   */
  detail?: 'summary' | 'full';
  /** How far counted and reported tokens may differ before it is flagged (chat-template overhead). */
  usageTolerance?: { tokens: number; fraction: number };
  specials?: CountOptions['specials'];
  /** Reuse analyses of unchanged records (keyed by content hash), e.g. across edits in the editor. */
  cache?: boolean;
}

export interface TokenizerUse {
  id: string;
  title: string;
  /** False for estimates (Claude): every number built on it is an estimate. */
  exact: boolean;
  /** Why this tokenizer: `model rule 'gpt-4o*'`, `forced`, `default (no model field)`, ... */
  how: string;
}

export interface UsageCheck {
  field: 'reasoning' | 'output';
  counted: number;
  reported: number;
  /** reported − counted. */
  difference: number;
  /** Beyond the expected chat-template overhead. */
  flagged: boolean;
}

export interface TraceCost extends Cost {
  /** Whether prompt tokens are included (only when the file reports them). */
  scope: 'input+output' | 'output';
}

export interface TraceAnalysis {
  id: string;
  index: number;
  format: string;
  line: number;
  endLine: number;
  byteStart: number;
  byteEnd: number;
  model?: string;
  problemId?: string;
  tokenizer: TokenizerUse;
  /**
   * Tokens per part. `counted`: the visible text in the model's own tokenizer. `reported`: no
   * public tokenizer (Claude), so the usage the file reports is used (thinking as reported, the
   * rest split between answer and tool calls in proportion to estimates). `estimated`: no
   * tokenizer and no usage; every figure built on these says "estimate".
   */
  countsFrom: 'counted' | 'reported' | 'estimated';
  thinking: number;
  answer: number;
  toolCalls: number;
  total: number;
  reported?: ReportedUsage;
  check?: UsageCheck;
  thinkingKind: TraceRecord['thinkingKind'];
  redactedThinkingBlocks: number;
  encryptedReasoning: boolean;
  truncated: boolean;
  unclosedThink: boolean;
  finishReason?: string;
  steps: number;
  markers: number;
  markersByKind: Record<string, number>;
  /** Markers per 1,000 thinking tokens. */
  markerRate: number;
  finalAnswer?: { value: string; normalized: string; rule: AnswerRule; from: 'answer' | 'thinking' };
  correct?: boolean;
  correctBy?: 'file' | 'reference';
  /** Where the final answer first appears in the thinking, and the thinking tokens after it. */
  firstAnswer?: { tokenOffset: number; tokensAfter: number; share: number; rule: 'result-cue' | 'first-mention'; step?: number };
  repetition?: { share: number; spans: number };
  cost?: TraceCost;
  /** Why there is no cost, or what to keep in mind about it. */
  costNote?: string;
  /** Bottom-k sketch of the thinking's shingles, for similarity between traces of a problem (absent without a problem id). */
  sketch?: Uint32Array;
  detail?: TraceDetail;
}

export interface TraceDetail {
  steps: { start: number; end: number; kind: StepKind; tokenStart: number; tokens: number; markers: number; preview: string }[];
  markerHits: { start: number; end: number; kind: string; phrase: string; tokenOffset: number }[];
  firstAnswerSpan?: { start: number; end: number };
  repeated: RepeatedSpan[];
}

const DEFAULT_TOLERANCE = { tokens: 8, fraction: 0.01 };
const NO_POSITIONS: number[] = [];
const NO_OUT = new Int32Array(0);

export class TraceAnalyzer {
  private readonly rules: readonly ModelRule[];
  private readonly counters = new Map<string, { counter: TokenCounter; use: TokenizerUse } | Error>();
  private readonly markers: MarkerMatcher;
  /** Reused for every trace: its buffer is an allocation the garbage collector would otherwise track per trace. */
  private readonly sketch = new ShingleSketch();
  private readonly countCache = new CountCache(50_000);
  private readonly cache = new Map<number, TraceAnalysis>();
  private readonly prices = new Map<string, PriceRow | undefined>();

  constructor(readonly options: TraceOptions = {}) {
    this.rules = [...(options.modelRules ?? []), ...defaultModelRules];
    this.markers = new MarkerMatcher(options.markers ?? defaultMarkers);
  }

  get markerKinds(): readonly string[] {
    return this.markers.kinds;
  }

  /** The counter for a record's model, and why it was chosen. */
  tokenizerFor(model: string | undefined): { counter: TokenCounter; use: TokenizerUse } {
    const key = model ?? '';
    let hit = this.counters.get(key);
    if (!hit) {
      hit = this.resolve(model);
      this.counters.set(key, hit);
    }
    if (hit instanceof Error) throw hit;
    return hit;
  }

  private resolve(model: string | undefined): { counter: TokenCounter; use: TokenizerUse } | Error {
    const fallback = this.options.defaultTokenizer ?? 'o200k_base';
    let id: string;
    let how: string;
    if (this.options.tokenizer) {
      id = this.options.tokenizer;
      how = 'chosen for the file';
    } else {
      const choice = tokenizerForModel(model, this.rules);
      id = choice?.tokenizer ?? fallback;
      how = choice?.rule ? `model rule '${choice.rule.match}'` : model ? `default (no rule for '${model}')` : 'default (no model field)';
    }
    try {
      const counter = counterFor(id);
      return { counter, use: { id: counter.id, title: counter.title, exact: counter.exact, how: counter.exact ? how : `${how}; estimate: no public tokenizer` } };
    } catch (e) {
      if (id === fallback) return e as Error;
      // A user rule naming a missing tokenizer file: fall back, and say so.
      const counter = counterFor(fallback);
      return { counter, use: { id: counter.id, title: counter.title, exact: counter.exact, how: `${how} failed (${(e as Error).message}); default used` } };
    }
  }

  analyze(record: TraceRecord): TraceAnalysis {
    if (!this.options.cache) return this.compute(record);
    const key = recordKey(record);
    const hit = this.cache.get(key);
    if (hit) return { ...hit, id: record.id, index: record.index, line: record.line, endLine: record.endLine, byteStart: record.byteStart, byteEnd: record.byteEnd };
    const a = this.compute(record);
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(key, a);
    return a;
  }

  private compute(r: TraceRecord): TraceAnalysis {
    const full = this.options.detail === 'full';
    const specials = { specials: this.options.specials ?? 'tokens' } as const;
    const { counter, use } = this.tokenizerFor(r.model);
    const thinking = r.thinking;

    // Final answer: from the answer text, else from the end of the thinking (cut-off traces).
    let finalAnswer: TraceAnalysis['finalAnswer'];
    const fromAnswer = r.answer !== '' ? extractAnswer(r.answer) : undefined;
    if (fromAnswer) finalAnswer = { value: fromAnswer.value, normalized: fromAnswer.normalized, rule: fromAnswer.rule, from: 'answer' };
    else if (thinking !== '' && !r.truncated) {
      const t = extractAnswer(thinking.slice(-2000));
      if (t) finalAnswer = { value: t.value, normalized: t.normalized, rule: t.rule, from: 'thinking' };
    }

    // The summary needs only how many steps there are; the full view needs where they are.
    const steps = full && thinking !== '' ? segmentSteps(thinking) : [];
    const stepCount = full ? steps.length : thinking !== '' ? countSteps(thinking) : 0;
    // The full view needs the markers' positions before counting; the summary finds them from
    // the pieces the count cuts (see `MarkerMatcher.findWatched`), which costs a fraction of a
    // regex pass over the thinking.
    const watch = !full && thinking !== '' ? this.markers.watchPieces() : undefined;
    let hits = full && thinking !== '' ? this.markers.find(thinking) : [];
    const point = finalAnswer && thinking !== '' ? firstAnswerPoint(thinking, finalAnswer.value, r.prompt) : undefined;

    // One counting pass over the thinking gives every token offset the analysis needs.
    let thinkingTokens: number;
    const positions: number[] = [];
    if (full) {
      for (const s of steps) positions.push(s.start);
      for (const h of hits) positions.push(h.start);
    }
    if (point) positions.push(point.end);
    // The same pass feeds the similarity sketch with each piece's hash. Only traces of a named
    // problem are ever compared, so the rest skip it.
    const sketch = thinking !== '' && r.problemId !== undefined ? this.sketch.reset() : undefined;
    const sink: PieceSink | undefined = sketch || watch ? { addHashes: sketch ? (h, n) => sketch.addHashes(h, n) : undefined, sampleMask: SKETCH_SAMPLE_MASK, watch } : undefined;
    let offsets: Int32Array | undefined;
    if (thinking === '') thinkingTokens = 0;
    else if (positions.length === 1) {
      // The summary's one position (where the answer first appears): nothing to sort.
      offsets = new Int32Array(1);
      thinkingTokens = counter.countAt(thinking, positions, offsets, specials, sink);
    } else if (positions.length > 0) {
      const order = positions.map((_, i) => i).sort((a, b) => positions[a] - positions[b]);
      const sorted = order.map((i) => positions[i]);
      const out = new Int32Array(sorted.length);
      thinkingTokens = counter.countAt(thinking, sorted, out, specials, sink);
      offsets = new Int32Array(positions.length);
      order.forEach((orig, k) => (offsets![orig] = out[k]));
    } else thinkingTokens = counter.countAt(thinking, NO_POSITIONS, NO_OUT, specials, sink);
    if (watch) hits = this.markers.findWatched(thinking);

    const answerTokens = r.answer === '' ? 0 : this.count(counter, r.answer, specials);
    let toolTokens = 0;
    for (const t of r.toolCalls) toolTokens += this.count(counter, t.name, specials) + this.count(counter, t.input, specials);
    let total = thinkingTokens + answerTokens + toolTokens;
    // Without a public tokenizer, reported usage beats an estimate.
    let shown = { thinking: thinkingTokens, answer: answerTokens, toolCalls: toolTokens };
    let countsFrom: TraceAnalysis['countsFrom'] = use.exact ? 'counted' : 'estimated';
    if (!use.exact && r.usage?.output !== undefined) {
      const out = r.usage.output;
      const thinkingShown = r.usage.reasoning ?? (total > 0 ? Math.round((out * thinkingTokens) / total) : 0);
      const rest = Math.max(0, out - thinkingShown);
      const restEstimate = answerTokens + toolTokens;
      const answerShown = restEstimate > 0 ? Math.round((rest * answerTokens) / restEstimate) : rest;
      shown = { thinking: thinkingShown, answer: answerShown, toolCalls: rest - answerShown };
      countsFrom = 'reported';
      total = out;
      // Positions were measured in estimated tokens: express them on the reported scale.
      if (offsets && thinkingTokens > 0) {
        const scale = thinkingShown / thinkingTokens;
        for (let i = 0; i < offsets.length; i++) offsets[i] = Math.round(offsets[i] * scale);
      }
    }
    // The thinking length every position and rate below refers to.
    const thinkingScale = shown.thinking;

    const markersByKind: Record<string, number> = {};
    for (const k of this.markers.kinds) markersByKind[k] = 0;
    for (const h of hits) markersByKind[h.kind] = (markersByKind[h.kind] ?? 0) + 1;

    const stepIndexAt = (pos: number): number => {
      let lo = 0;
      let hi = steps.length - 1;
      let ans = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (steps[mid].start <= pos) {
          ans = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return ans;
    };

    let firstAnswer: TraceAnalysis['firstAnswer'];
    if (point && offsets) {
      const tokenOffset = Math.min(offsets[positions.length - 1], thinkingScale);
      const after = thinkingScale - tokenOffset;
      firstAnswer = { tokenOffset, tokensAfter: after, share: thinkingScale > 0 ? after / thinkingScale : 0, rule: point.rule, step: steps.length > 0 ? stepIndexAt(point.start) : undefined };
    }

    let correct = r.correct;
    let correctBy: TraceAnalysis['correctBy'] = correct !== undefined ? 'file' : undefined;
    if (correct === undefined && r.reference !== undefined && finalAnswer) {
      correct = answersMatch(finalAnswer.value, referenceAnswer(r.reference));
      correctBy = 'reference';
    }

    // Word-level repetition needs its own pass; only the full (one-trace) view pays for it.
    const words = full && thinking !== '' ? analyzeWords(thinking) : undefined;

    const a: TraceAnalysis = {
      id: r.id,
      index: r.index,
      format: r.format,
      line: r.line,
      endLine: r.endLine,
      byteStart: r.byteStart,
      byteEnd: r.byteEnd,
      model: r.model,
      problemId: r.problemId,
      tokenizer: use,
      countsFrom,
      thinking: shown.thinking,
      answer: shown.answer,
      toolCalls: shown.toolCalls,
      total,
      reported: r.usage,
      thinkingKind: r.thinkingKind,
      redactedThinkingBlocks: r.redactedThinkingBlocks,
      encryptedReasoning: r.encryptedReasoning,
      truncated: r.truncated,
      unclosedThink: r.unclosedThink,
      finishReason: r.finishReason,
      steps: stepCount,
      markers: hits.length,
      markersByKind,
      markerRate: thinkingScale > 0 ? (1000 * hits.length) / thinkingScale : 0,
      finalAnswer,
      correct,
      correctBy,
      firstAnswer,
      repetition: words ? { share: words.repeatedShare, spans: words.repeated.length } : undefined,
      sketch: sketch?.finish(),
    };
    a.check = this.usageCheck(r, a);
    this.price(r, a);

    if (full) {
      const detail: TraceDetail = { steps: [], markerHits: [], repeated: words?.repeated ?? [] };
      const stepMarkers = new Array<number>(steps.length).fill(0);
      hits.forEach((h, k) => {
        detail.markerHits.push({ ...h, tokenOffset: offsets ? offsets[steps.length + k] : 0 });
        if (steps.length > 0) stepMarkers[stepIndexAt(h.start)]++;
      });
      steps.forEach((s, k) => {
        const tokenStart = offsets ? offsets[k] : 0;
        const next = k + 1 < steps.length && offsets ? offsets[k + 1] : thinkingScale;
        detail.steps.push({ ...s, tokenStart, tokens: next - tokenStart, markers: stepMarkers[k], preview: preview(thinking, s.start, s.end) });
      });
      if (point) detail.firstAnswerSpan = { start: point.start, end: point.end };
      a.detail = detail;
    }
    return a;
  }

  private count(counter: TokenCounter, text: string, options: CountOptions): number {
    return this.countCache.count(counter, text, options);
  }

  /** Compares counted tokens with reported usage where the two measure the same text. */
  private usageCheck(r: TraceRecord, a: TraceAnalysis): UsageCheck | undefined {
    const u = r.usage;
    if (!u || !a.tokenizer.exact) return undefined;
    const tol = this.options.usageTolerance ?? DEFAULT_TOLERANCE;
    const within = (counted: number, reported: number): boolean => Math.abs(reported - counted) <= Math.max(tol.tokens, tol.fraction * reported);
    // Hidden or summarised reasoning: what was billed is not the text we can count.
    const hidden = r.thinkingKind === 'summary' || r.encryptedReasoning || r.redactedThinkingBlocks > 0;
    if (u.reasoning !== undefined && r.thinkingKind === 'raw' && !hidden) {
      return { field: 'reasoning', counted: a.thinking, reported: u.reasoning, difference: u.reasoning - a.thinking, flagged: !within(a.thinking, u.reasoning) };
    }
    if (u.output !== undefined && !hidden && r.toolCalls.length === 0 && !(u.reasoning && r.thinking === '')) {
      return { field: 'output', counted: a.total, reported: u.output, difference: u.output - a.total, flagged: !within(a.total, u.output) };
    }
    return undefined;
  }

  private price(r: TraceRecord, a: TraceAnalysis): void {
    const key = r.model ?? '';
    let row = this.prices.get(key);
    if (row === undefined && !this.prices.has(key)) {
      row = priceFor(r.model, this.options.prices ?? []);
      this.prices.set(key, row);
    }
    if (!row) {
      a.costNote = r.model ? `no price row for '${r.model}'` : 'no model field, so no price';
      return;
    }
    const u = r.usage;
    if (u && u.output !== undefined) {
      const reasoning = u.reasoning ?? (r.thinkingKind === 'raw' ? Math.min(a.thinking, u.output) : 0);
      const input = u.input !== undefined ? u.input - (u.cachedInput ?? 0) : undefined;
      a.cost = withScope(costOf({ input, cachedInput: u.input !== undefined ? u.cachedInput : undefined, output: u.output - reasoning, reasoning }, row, 'reported'), u.input !== undefined ? 'input+output' : 'output');
      return;
    }
    a.cost = withScope(costOf({ output: a.answer + a.toolCalls, reasoning: a.thinking }, row, a.tokenizer.exact ? 'counted' : 'estimated'), 'output');
    if (r.thinkingKind === 'summary' || r.encryptedReasoning || r.redactedThinkingBlocks > 0) {
      a.costNote = 'reasoning is summarised or hidden and the file reports no usage: the real reasoning cost is higher than shown';
    }
  }
}

/** A cost with its scope, built in place (a copy per trace showed in file summaries). */
function withScope(cost: Cost, scope: TraceCost['scope']): TraceCost {
  const c = cost as TraceCost;
  c.scope = scope;
  return c;
}

function preview(text: string, start: number, end: number): string {
  const s = text.slice(start, Math.min(end, start + 120)).replace(/\s+/g, ' ').trim();
  return end - start > 120 ? `${s}…` : s;
}

/** A hash of everything the analysis of a record depends on, position excluded (the problem id is in it: it decides the sketch). */
function recordKey(r: TraceRecord): number {
  return contentHash(
    [r.model ?? '', r.problemId ?? '\u0001', r.thinking, r.answer, r.prompt ?? '', r.reference ?? '', String(r.correct), r.thinkingKind, r.finishReason ?? '', String(r.truncated), String(r.encryptedReasoning), String(r.redactedThinkingBlocks), JSON.stringify(r.usage ?? null), JSON.stringify(r.toolCalls)].join('\u0000'),
  );
}

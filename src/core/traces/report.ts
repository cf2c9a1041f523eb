import { truncationCurves, TRUNCATION_RULE } from '../tts/truncation';
import type { ChartSpec, PanelSpec, Point, TableSpec } from '../report/spec';
import { formatDollars } from '../tokens/prices';
import type { TraceAnalysis } from './analyze';
import type { FileTraceSummary, TraceRow } from './summary';

/**
 * What the editor, the panels and the CLI show for traces: the one-line inlay text, the hover,
 * a panel for one trace (per-step token chart, markers, overthinking point), a panel for the file
 * (histograms and totals), and the `--json` shape of `scaling-lens tokens`.
 */

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;

/** `think 3,412 · answer 218 · $0.041`; estimates start with `~` and the cost says which row. */
export function inlayText(a: TraceAnalysis | TraceRow): string {
  const mark = a.countsFrom === 'estimated' ? '~' : '';
  const row = isRow(a);
  const parts = [`think ${mark}${n(a.thinking)}`, `answer ${mark}${n(a.answer)}`];
  if (a.toolCalls > 0) parts.push(`tools ${mark}${n(a.toolCalls)}`);
  const dollars = row ? a.dollars : a.cost?.dollars;
  if (dollars !== undefined) parts.push(formatDollars(dollars));
  if (a.truncated) parts.push('cut off');
  return parts.join(' · ');
}

function isRow(a: TraceAnalysis | TraceRow): a is TraceRow {
  return typeof a.tokenizer === 'string';
}

/** Markdown for a hover: tokenizer, counts against reported usage, price row, markers, overthinking. */
export function hoverMarkdown(a: TraceAnalysis): string {
  const est = a.tokenizer.exact ? '' : ' (estimate)';
  const lines: string[] = [`**Trace ${a.id}**${a.model ? ` · ${a.model}` : ''}`, ''];
  lines.push(`Tokenizer: ${a.tokenizer.title}${est} — ${a.tokenizer.how}`, '');
  if (a.countsFrom === 'reported') lines.push('No public tokenizer: the figures are the usage the file reports (answer / tool-call split estimated).', '');
  lines.push(`| | ${a.countsFrom === 'reported' ? 'shown' : a.countsFrom} | reported |`, '|---|---:|---:|');
  const rep = a.reported;
  lines.push(`| thinking${a.thinkingKind === 'summary' ? ' (summary)' : ''} | ${n(a.thinking)} | ${rep?.reasoning !== undefined ? n(rep.reasoning) : '—'} |`);
  lines.push(`| answer | ${n(a.answer)} | |`);
  if (a.toolCalls > 0) lines.push(`| tool calls | ${n(a.toolCalls)} | |`);
  lines.push(`| output total | ${n(a.total)} | ${rep?.output !== undefined ? n(rep.output) : '—'} |`);
  if (rep?.input !== undefined) lines.push(`| prompt | | ${n(rep.input)}${rep.cachedInput ? ` (${n(rep.cachedInput)} cached)` : ''} |`);
  lines.push('');
  if (a.check?.flagged) lines.push(`⚠ Counted ${a.check.field} tokens differ from the reported ${n(a.check.reported)} by ${n(a.check.difference)}, more than chat-template overhead explains.`, '');
  if (a.redactedThinkingBlocks > 0) lines.push(`${a.redactedThinkingBlocks} redacted thinking block(s): present, content unknown (not counted).`, '');
  if (a.encryptedReasoning) lines.push('Reasoning is encrypted; only its summary is visible.', '');
  if (a.cost) lines.push(`Cost: ${formatDollars(a.cost.dollars)} (${a.cost.basis} tokens, ${a.cost.scope === 'output' ? 'output only' : 'prompt and output'}; price row \`${a.cost.row}\`)`, '');
  if (a.costNote) lines.push(`Cost: ${a.costNote}.`, '');
  if (a.markers > 0) {
    const kinds = Object.entries(a.markersByKind).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`Markers: ${a.markers} (${kinds}), ${a.markerRate.toFixed(1)} per 1k thinking tokens`, '');
  }
  if (a.finalAnswer) lines.push(`Final answer: \`${a.finalAnswer.value}\` (${a.finalAnswer.rule}${a.finalAnswer.from === 'thinking' ? ', from the thinking' : ''})${a.correct !== undefined ? ` — ${a.correct ? 'correct' : 'incorrect'}` : ''}`, '');
  if (a.firstAnswer) lines.push(`Answer first appears at thinking token ${n(a.firstAnswer.tokenOffset)}; ${n(a.firstAnswer.tokensAfter)} tokens (${pct(a.firstAnswer.share)}) follow it.`, '');
  if (a.truncated) lines.push(a.unclosedThink ? '✂ Cut off mid-thought: `<think>` never closed (length limit).' : '✂ Stopped at the length limit.', '');
  return lines.join('\n').trimEnd();
}

/** The panel for one trace; needs an analysis made with `detail: 'full'`. */
export function tracePanel(a: TraceAnalysis, source?: string): PanelSpec {
  const views: PanelSpec['views'] = [];
  const messages: PanelSpec['messages'] = [];
  const est = a.tokenizer.exact ? '' : ' (step sizes estimated)';
  const steps = a.detail?.steps ?? [];
  if (steps.length > 0) {
    const chart: ChartSpec = {
      kind: 'chart',
      id: `trace-${a.id}-steps`,
      title: 'Tokens per step',
      subtitle: `${steps.length} steps, ${n(a.thinking)} thinking tokens${est}`,
      x: { label: 'Step', scale: 'linear' },
      y: { label: 'Tokens', scale: 'linear', unit: a.tokenizer.title },
      series: [{ name: 'tokens', kind: 'line', points: steps.map((s, k) => ({ x: k + 1, y: s.tokens, label: s.preview })), colorIndex: 0 }],
      notes: [],
    };
    const marked = steps.map((s, k) => ({ x: k + 1, y: s.tokens, label: `${s.markers} marker(s): ${s.preview}` })).filter((_, k) => steps[k].markers > 0);
    if (marked.length > 0) chart.series.push({ name: 'steps with backtracking / hedging markers', kind: 'scatter', points: marked, colorIndex: 1 });
    if (a.firstAnswer?.step !== undefined) {
      const k = a.firstAnswer.step;
      chart.series.push({ name: 'final answer first appears', kind: 'scatter', points: [{ x: k + 1, y: steps[k]?.tokens ?? 0, label: `then ${n(a.firstAnswer.tokensAfter)} more thinking tokens (${pct(a.firstAnswer.share)})` }], colorIndex: 2 });
      chart.notes!.push(`The final answer first appears in step ${k + 1} (${a.firstAnswer.rule}); ${n(a.firstAnswer.tokensAfter)} thinking tokens (${pct(a.firstAnswer.share)}) follow.`);
    }
    views.push(chart);
    views.push({
      kind: 'table',
      id: `trace-${a.id}-step-table`,
      title: 'Steps',
      columns: ['step', 'kind', 'tokens', 'from token', 'markers', 'text'],
      rows: steps.map((s, k) => [k + 1, s.kind, s.tokens, s.tokenStart, s.markers, s.preview]),
    });
  }
  const hits = a.detail?.markerHits ?? [];
  if (hits.length > 0) {
    views.push({ kind: 'table', id: `trace-${a.id}-markers`, title: `Markers (${a.markerRate.toFixed(1)} per 1k thinking tokens)`, columns: ['at token', 'kind', 'phrase'], rows: hits.map((h) => [h.tokenOffset, h.kind, h.phrase]) });
  }
  views.push(costTable(a));
  if (a.countsFrom === 'estimated') messages.push({ severity: 'info', text: `Token counts are estimates: ${a.tokenizer.title}.` });
  if (a.countsFrom === 'reported') messages.push({ severity: 'info', text: 'No public tokenizer for this model: the token figures are the usage the file reports; steps and markers are positioned with estimates.' });
  if (a.truncated) messages.push({ severity: 'warning', text: a.unclosedThink ? 'This trace was cut off mid-thought (<think> never closed): it hit its length budget.' : 'This trace stopped at the length limit.' });
  if (a.check?.flagged) messages.push({ severity: 'warning', text: `Counted ${a.check.field} tokens (${n(a.check.counted)}) differ from the reported ${n(a.check.reported)} by more than chat-template overhead.` });
  if (a.costNote) messages.push({ severity: 'info', text: `Cost: ${a.costNote}.` });
  return { title: `Trace ${a.id}`, source, views, messages };
}

function costTable(a: TraceAnalysis): TableSpec {
  const rows: TableSpec['rows'] = [
    ['thinking', a.thinking, a.reported?.reasoning ?? null],
    ['answer', a.answer, null],
    ['tool calls', a.toolCalls, null],
    ['output total', a.total, a.reported?.output ?? null],
  ];
  if (a.reported?.input !== undefined) rows.push(['prompt', null, a.reported.input]);
  if (a.cost) rows.push([`cost (${a.cost.row}, ${a.cost.basis})`, null, Number(a.cost.dollars.toFixed(6))]);
  return { kind: 'table', id: `trace-${a.id}-tokens`, title: `Tokens (${a.tokenizer.title})`, columns: ['', 'counted', 'reported'], rows };
}

/** Equal-width bins over [min, max], or log-width when values span more than a decade. */
export function histogram(values: readonly number[], bins = 24): { points: Point[]; log: boolean } {
  const v = values.filter((x) => Number.isFinite(x) && x >= 0);
  if (v.length === 0) return { points: [], log: false };
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const log = min > 0 ? max / min > 20 : max > 200;
  const lo = log ? Math.log10(Math.max(1, min)) : min;
  const hi = log ? Math.log10(Math.max(1, max)) : max;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) {
    const t = log ? Math.log10(Math.max(1, x)) : x;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((t - lo) / width)))]++;
  }
  const points = counts.map((c, i) => {
    const a = lo + i * width;
    const b = a + width;
    const center = log ? Math.pow(10, (a + b) / 2) : (a + b) / 2;
    const from = log ? Math.pow(10, a) : a;
    const to = log ? Math.pow(10, b) : b;
    return { x: center, y: c, label: `${n(from)}–${n(to)}: ${c}` };
  });
  return { points, log };
}

/** The file summary panel: totals, thinking-length histograms (correct vs incorrect), markers, overthinking. */
export function fileSummaryPanel(s: FileTraceSummary): PanelSpec {
  const views: PanelSpec['views'] = [];
  const rows = s.rows;
  const est = s.totals.estimated > 0 ? ` (${n(s.totals.estimated)} estimated)` : '';
  const all = histogram(rows.map((r) => r.thinking));
  const thinkingChart: ChartSpec = {
    kind: 'chart',
    id: 'traces-thinking-histogram',
    title: 'Thinking length',
    subtitle: `${n(s.records)} traces, ${n(s.totals.thinking)} thinking tokens${est}`,
    x: { label: 'Thinking tokens', scale: all.log ? 'log' : 'linear' },
    y: { label: 'Traces', scale: 'linear' },
    series: [{ name: 'all traces', kind: 'line', points: all.points, colorIndex: 0 }],
    notes: [],
  };
  if (s.correctness.judged > 0) {
    const bins = all.points.length;
    const ok = histogram(rows.filter((r) => r.correct === true).map((r) => r.thinking), bins);
    const bad = histogram(rows.filter((r) => r.correct === false).map((r) => r.thinking), bins);
    thinkingChart.series.push({ name: 'correct', kind: 'line', points: ok.points, colorIndex: 2 }, { name: 'incorrect', kind: 'line', points: bad.points, colorIndex: 3 });
    const o = s.problems;
    if (o.meanThinkingCorrect !== undefined && o.meanThinkingIncorrect !== undefined) thinkingChart.notes!.push(`Mean thinking: ${n(o.meanThinkingCorrect)} tokens when correct, ${n(o.meanThinkingIncorrect)} when incorrect.`);
    if (o.correctShorterShare !== undefined) thinkingChart.notes!.push(`Within a problem, the correct trace is the shorter one in ${pct(o.correctShorterShare)} of ${n(o.pairs)} (correct, incorrect) pairs.`);
  }
  if (s.truncated > 0) thinkingChart.notes!.push(`${n(s.truncated)} traces hit the length limit${s.unclosedThink > 0 ? ` (${n(s.unclosedThink)} mid-thought)` : ''}.`);
  views.push(thinkingChart);

  const rates = histogram(rows.filter((r) => r.thinking > 0).map((r) => r.markerRate));
  views.push({
    kind: 'chart',
    id: 'traces-marker-histogram',
    title: 'Backtracking and hedging markers',
    subtitle: `${n(s.markers.total)} markers, ${s.markers.ratePer1k.toFixed(1)} per 1k thinking tokens`,
    x: { label: 'Markers per 1k thinking tokens', scale: rates.log ? 'log' : 'linear' },
    y: { label: 'Traces', scale: 'linear' },
    series: [{ name: 'traces', kind: 'line', points: rates.points, colorIndex: 1 }],
    notes: [Object.entries(s.markers.byKind).map(([k, v]) => `${k}: ${n(v)}`).join(' · ')],
  });

  const shares = rows.filter((r) => r.overthinkingShare !== undefined).map((r) => 100 * r.overthinkingShare!);
  if (shares.length > 0) {
    const h = histogram(shares, 20);
    views.push({
      kind: 'chart',
      id: 'traces-overthinking-histogram',
      title: 'Thinking after the answer first appears',
      subtitle: `${n(s.overthinking.tokensAfter)} tokens (${pct(s.overthinking.share)} of these traces' thinking)`,
      x: { label: 'Share of thinking after the answer first appears', scale: 'linear', unit: '%' },
      y: { label: 'Traces', scale: 'linear' },
      series: [{ name: 'traces', kind: 'line', points: h.points, colorIndex: 4 }],
    });
  }
  views.push(totalsTable(s));
  if (s.problems.multiTrace > 0) {
    const worst = [...s.problemStats].filter((p) => p.traces > 1).sort((a, b) => (a.agreement ?? 1) - (b.agreement ?? 1)).slice(0, 50);
    views.push({
      kind: 'table',
      id: 'traces-problems',
      title: `Problems with several traces (${n(s.problems.multiTrace)}; least agreement first)`,
      columns: ['problem', 'traces', 'majority answer', 'agreement', 'correct', 'incorrect', 'mean thinking', 'similarity'],
      rows: worst.map((p) => [p.problemId, p.traces, p.majority ?? null, p.agreement !== undefined ? Number(p.agreement.toFixed(3)) : null, p.correct, p.incorrect, Math.round(p.meanThinking), p.similarity !== undefined ? Number(p.similarity.toFixed(3)) : null]),
    });
  }
  const messages: PanelSpec['messages'] = [];
  if (s.totals.estimated > 0) messages.push({ severity: 'info', text: `${n(s.totals.estimated)} traces use estimated counts (no public tokenizer for their model).` });
  if (s.usageFlagged > 0) messages.push({ severity: 'warning', text: `${n(s.usageFlagged)} traces: counted tokens differ from the reported usage by more than chat-template overhead.` });
  if (s.fileProblems.length > 0) messages.push({ severity: 'warning', text: `${n(s.fileProblems.length)} problems reading the file: see Problems.` });
  const truncation = truncationChart(s);
  if (truncation) views.push(truncation);
  return { title: 'Trace file summary', source: s.file, views, messages };
}

function totalsTable(s: FileTraceSummary): TableSpec {
  const t = s.totals;
  const rows: TableSpec['rows'] = [
    ['traces', s.records],
    ['thinking tokens', t.thinking],
    ['answer tokens', t.answer],
    ['tool-call tokens', t.toolCalls],
    ['output tokens (counted)', t.total],
  ];
  if (t.reportedOutput !== undefined) rows.push(['output tokens (reported)', t.reportedOutput]);
  if (t.reportedReasoning !== undefined) rows.push(['reasoning tokens (reported)', t.reportedReasoning]);
  if (t.reportedInput !== undefined) rows.push(['prompt tokens (reported)', t.reportedInput]);
  if (t.dollars !== undefined) rows.push([`cost (${t.priceRows.join(', ')})`, Number(t.dollars.toFixed(4))]);
  rows.push(['traces priced from reported / counted / estimated / unpriced', `${t.priced.reported} / ${t.priced.counted} / ${t.priced.estimated} / ${t.priced.none}`]);
  rows.push(['tokenizers', s.tokenizers.map((k) => `${k.id}${k.exact ? '' : ' (estimate)'}: ${k.records}`).join(', ')]);
  if (s.correctness.judged > 0) rows.push(['correct / judged', `${s.correctness.correct} / ${s.correctness.judged}`]);
  return { kind: 'table', id: 'traces-totals', title: 'Totals', columns: ['', 'value'], rows };
}

/** Sequential scaling read off the recorded thinking (see tts/truncation.ts), when correctness is known. */
function truncationChart(s: FileTraceSummary): ChartSpec | undefined {
  const curves = truncationCurves(s.rows);
  if (curves.length === 0) return undefined;
  const series: ChartSpec['series'] = [];
  curves.forEach((c, i) => {
    series.push({ name: `${c.model} (95% interval)`, kind: 'band', points: c.points.map((p) => ({ x: p.budget, y: p.lo })), upper: c.points.map((p) => ({ x: p.budget, y: p.hi })), colorIndex: i });
    series.push({ name: `${c.model} (${c.traces} traces)`, kind: 'line', points: c.points.map((p) => ({ x: p.budget, y: p.accuracy })), colorIndex: i });
  });
  return {
    kind: 'chart',
    id: 'traces-truncation',
    title: 'Accuracy if thinking were cut at a budget',
    subtitle: 'read off the recorded thinking',
    x: { label: 'thinking budget', unit: 'tokens', scale: 'log' },
    y: { label: 'accuracy', scale: 'linear' },
    series,
    notes: [`Rule: ${TRUNCATION_RULE}.`],
  };
}

/** The shape `scaling-lens tokens FILE --json` prints. */
export interface TokensJson {
  file: string;
  format?: string;
  records: {
    id: string;
    line: number;
    model?: string;
    tokenizer: string;
    /** `counted`, `reported` (no public tokenizer: the file's usage) or `estimated`. */
    countsFrom: TraceRow['countsFrom'];
    estimate: boolean;
    thinking: number;
    answer: number;
    toolCalls: number;
    total: number;
    reported?: TraceRow['reported'];
    reportedDiffers?: boolean;
    dollars?: number;
    priceRow?: string;
    costBasis?: TraceRow['costBasis'];
    truncated: boolean;
  }[];
  totals: FileTraceSummary['totals'] & { records: number };
  problems: FileTraceSummary['fileProblems'];
}

export function tokensJson(s: FileTraceSummary): TokensJson {
  return {
    file: s.file,
    format: s.format,
    records: s.rows.map((r) => ({
      id: r.id,
      line: r.line,
      model: r.model,
      tokenizer: r.tokenizer,
      countsFrom: r.countsFrom,
      estimate: r.countsFrom === 'estimated',
      thinking: r.thinking,
      answer: r.answer,
      toolCalls: r.toolCalls,
      total: r.total,
      reported: r.reported,
      reportedDiffers: r.check?.flagged,
      dollars: r.dollars,
      priceRow: r.priceRow,
      costBasis: r.costBasis,
      truncated: r.truncated,
    })),
    totals: { ...s.totals, records: s.records },
    problems: s.fileProblems,
  };
}

/** The `scaling-lens traces FILE --json` shape: the summary without similarity sketches. */
export function tracesJson(s: FileTraceSummary): Omit<FileTraceSummary, 'rows'> & { rows: Omit<TraceRow, 'sketch'>[] } {
  return { ...s, rows: s.rows.map(({ sketch: _sketch, ...rest }) => rest) };
}

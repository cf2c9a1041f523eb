import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileSource } from '../../../src/core/ingest/source';
import { readAllTraces } from '../../../src/core/ingest/traces/index';
import { TraceAnalyzer } from '../../../src/core/traces/analyze';
import { summarizeTraceSource } from '../../../src/core/traces/fileSummary';
import { fileSummaryPanel, histogram, hoverMarkdown, inlayText, tokensJson, tracePanel, tracesJson } from '../../../src/core/traces/report';

const examples = join(__dirname, '..', '..', '..', 'examples', 'traces', 'traces.jsonl');
const fixtures = join(__dirname, '..', '..', 'fixtures', 'traces');

test('file summary of the example traces: totals, correctness, truncation, problems', async () => {
  const s = await summarizeTraceSource(fileSource(examples, 'traces.jsonl'));
  assert.equal(s.format, 'open-models');
  assert.equal(s.records, 12);
  assert.equal(s.totals.thinking, s.rows.reduce((a, r) => a + r.thinking, 0));
  assert.equal(s.totals.total, s.totals.thinking + s.totals.answer + s.totals.toolCalls);
  assert.deepEqual(s.tokenizers, [{ id: 'deepseek_r1', exact: true, records: 12 }]);
  assert.equal(s.truncated, 1);
  assert.ok(s.correctness.judged >= 10);
  assert.ok(s.totals.dollars! > 0);
  assert.deepEqual(s.totals.priceRows, ['deepseek/deepseek-reasoner@2025-02-09']);
  assert.ok(s.markers.total > 0 && s.markers.ratePer1k > 0);
  assert.ok(s.overthinking.traces > 0 && s.overthinking.share > 0 && s.overthinking.share < 1);
});

test('the CLI JSON shape: per record id, line, thinking, answer, total, reported, dollars; file totals', async () => {
  const s = await summarizeTraceSource(fileSource(join(fixtures, 'openai-batch-output.jsonl'), 'openai-batch-output.jsonl'));
  const j = tokensJson(s);
  assert.deepEqual(Object.keys(j.records[0]).sort(), ['answer', 'costBasis', 'countsFrom', 'dollars', 'estimate', 'id', 'line', 'model', 'priceRow', 'reported', 'reportedDiffers', 'thinking', 'tokenizer', 'toolCalls', 'total', 'truncated'].sort());
  assert.equal(j.records[0].id, 'gsm8k-0017');
  assert.equal(j.records[0].reported?.reasoning, 320);
  assert.equal(j.records[0].priceRow, 'openai/o4-mini@2025-08-07');
  assert.equal(j.records[0].costBasis, 'reported');
  assert.equal(j.totals.records, 3);
  assert.deepEqual(j.problems.map((p) => p.line), [3, 4]);
  assert.ok(!('sketch' in tracesJson(s).rows[0]));
  JSON.stringify(j);
});

test('panels are plain JSON: a per-step chart for one trace, histograms for the file', async () => {
  const { records } = await readAllTraces(fileSource(examples, 'traces.jsonl'));
  const a = new TraceAnalyzer({ detail: 'full' }).analyze(records[1]);
  const p = tracePanel(a, 'traces.jsonl');
  const chart = p.views.find((v) => v.kind === 'chart');
  assert.ok(chart && chart.kind === 'chart');
  assert.equal(chart.series[0].points.length, a.steps);
  assert.ok(chart.series.some((s) => s.name === 'final answer first appears'));
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  const s = await summarizeTraceSource(fileSource(examples, 'traces.jsonl'));
  const f = fileSummaryPanel(s);
  const hist = f.views.find((v) => v.id === 'traces-thinking-histogram');
  assert.ok(hist && hist.kind === 'chart');
  assert.equal(hist.series.reduce((n, x) => (x.name === 'all traces' ? n + x.points.reduce((m, pt) => m + pt.y, 0) : n), 0), 12);
  assert.ok(hist.series.some((x) => x.name === 'correct'));
  assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
});

test('inlay and hover text: Claude shows reported usage, else estimates marked with ~', async () => {
  const { records } = await readAllTraces(fileSource(join(fixtures, 'anthropic-claude-opus-5-reasoning-high.1.json'), 'a.json'));
  const a = new TraceAnalyzer().analyze(records[0]);
  // No public tokenizer: the file reports 1,699 output tokens of which 139 thinking.
  assert.equal(a.countsFrom, 'reported');
  assert.equal(inlayText(a), 'think 139 · answer 1,560');
  const h = hoverMarkdown(a);
  assert.match(h, /estimate/);
  assert.match(h, /usage the file reports/);
  assert.match(h, /no price row for 'claude-opus-5'/);
  const bare = new TraceAnalyzer().analyze({ ...records[0], usage: undefined });
  assert.equal(bare.countsFrom, 'estimated');
  assert.match(inlayText(bare), /^think ~\d+ · answer ~[\d,]+$/);
  const { records: ds } = await readAllTraces(fileSource(examples, 'traces.jsonl'));
  assert.match(inlayText(new TraceAnalyzer().analyze(ds[0])), /^think \d+ · answer \d+ · \$0\.000\d+$/);
});

test('histograms bin on a log scale when lengths span decades', () => {
  const h = histogram([10, 100, 1000, 10000], 4);
  assert.equal(h.log, true);
  assert.deepEqual(h.points.map((p) => p.y), [1, 1, 1, 1]);
  assert.deepEqual(histogram([], 5), { points: [], log: false });
});

test('findings: cut-off traces and usage that disagrees become located diagnostics', async () => {
  const { traceFindings } = await import('../../../src/core/traces/findings');
  const s = await summarizeTraceSource(fileSource(join(fixtures, 'vllm-completions.jsonl'), 'v.jsonl'));
  const found = s.rows.flatMap((r) => traceFindings('v.jsonl', r));
  assert.deepEqual(found.map((f) => [f.line, f.code]), [[3, 'trace/cut-off-mid-thought']]);
});

test('trace readers in the registry shape: detect and read a whole file to a summary', async () => {
  const { traceFormatReaders } = await import('../../../src/core/traces/formats');
  const { readHead } = await import('../../../src/core/ingest/source');
  const source = fileSource(examples, 'traces.jsonl');
  const head = await readHead(source);
  const best = traceFormatReaders().reduce((a, b) => (b.detect('traces.jsonl', head) > a.detect('traces.jsonl', head) ? b : a));
  assert.equal(best.id, 'traces/open-models');
  const result = await best.read(source);
  assert.equal(result.kind, 'traces');
  assert.equal(result.summary.records, 12);
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, LSPErrorCodes, ResponseError, WorkDoneProgress, type WorkDoneProgressBegin } from 'vscode-languageserver-protocol';
import { CodeActionRequest, CodeLensRequest, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DocumentSymbolRequest, HoverRequest, InlayHintRequest } from 'vscode-languageserver-protocol';
import { ControlRequest, FindRunLogsRequest, PanelRequest, ServerStatusNotification, TraceTotalsNotification, type ServerStatus } from '../../src/protocol/lsp';
import { LspTestClient } from './lspClient';

const fixtures = join(__dirname, '..', 'fixtures', 'run-logs');
const uriOf = (p: string) => pathToFileURL(p).toString();
let client: LspTestClient;
let bigFile: string;

before(async () => {
  client = new LspTestClient();
  const init = await client.initialize(uriOf(fixtures));
  assert.equal(init.serverInfo?.name, 'Scaling Lens analysis server');
  // A run log large enough that reading it takes a while: for progress and cancellation.
  const dir = mkdtempSync(join(tmpdir(), 'sl-protocol-'));
  bigFile = join(dir, 'big.csv');
  const lines = ['step,tokens,loss'];
  for (let i = 1; i <= 600_000; i++) lines.push(`${i},${i * 1048576},${(2 + 10 / Math.sqrt(i)).toFixed(5)}`);
  writeFileSync(bigFile, lines.join('\n') + '\n');
});

after(async () => {
  const code = await client.shutdown();
  assert.equal(code, 0, `server exited with ${code}; stderr: ${client.stderr.join('')}`);
});

test('opening a run log publishes a diagnostic per bad row, at its line', async () => {
  const path = join(fixtures, 'bad-rows.csv');
  const uri = uriOf(path);
  const published = client.nextDiagnostics(uri);
  await client.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'csv', version: 1, text: readFileSync(path, 'utf8') },
  });
  const { diagnostics } = await published;
  assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.code]), [
    [2, 'run-log/not-a-number'],
    [3, 'run-log/field-count'],
    [4, 'run-log/non-finite'],
  ]);
  assert.equal(diagnostics[0].source, 'Scaling Lens');
  assert.equal(diagnostics[0].range.start.character, 'b,2e8,4e9,'.length);
});

test('editing the document re-publishes: fixing a row clears its diagnostic', async () => {
  const uri = uriOf(join(fixtures, 'bad-rows.csv'));
  const published = client.nextDiagnostics(uri);
  await client.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 2, character: 10 }, end: { line: 2, character: 13 } }, text: '2.9' }],
  });
  const { diagnostics, version } = await published;
  assert.equal(version, 2);
  assert.deepEqual(diagnostics.map((d) => d.range.start.line), [3, 4]);
});

test('the panel request returns a chart spec of one metric against another', async () => {
  const uri = uriOf(join(fixtures, 'bad-rows.csv'));
  const result = await client.conn.sendRequest(PanelRequest, { uri, kind: 'file' });
  assert.equal(result.format, 'csv');
  const chart = result.panel.views.find((v) => v.kind === 'chart');
  assert.ok(chart && chart.kind === 'chart');
  assert.equal(chart.x.label.split(' ')[0], 'tokens');
  assert.equal(chart.y.label, 'loss');
  // Rows a, b (fixed in the edit above), e, f have both values; c was skipped, d has NaN loss.
  assert.equal(chart.series[0].points.length, 4);
});

test('a file that is not open is read from disk, and its diagnostics are published too', async () => {
  const path = join(fixtures, 'lightning-metrics-head.csv');
  const uri = uriOf(path);
  const published = client.nextDiagnostics(uri);
  const result = await client.conn.sendRequest(PanelRequest, { uri });
  assert.equal(result.format, 'csv');
  assert.equal((await published).diagnostics.length, 0);
});

test('a long request reports work-done progress', async () => {
  const token = 'progress-test';
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    client.conn.onProgress(WorkDoneProgress.type, token, (v) => {
      seen.push(v.kind);
      if (v.kind === 'begin') assert.match((v as WorkDoneProgressBegin).title, /Scaling Lens/);
      if (v.kind === 'end') resolve();
    });
  });
  const result = await client.conn.sendRequest(PanelRequest, { uri: uriOf(bigFile), workDoneToken: token });
  await done;
  assert.equal(result.summary.includes('600000 rows'), true, result.summary);
  assert.equal(seen[0], 'begin');
  assert.ok(seen.includes('report'), `expected report notifications, saw ${seen.join(',')}`);
  assert.equal(seen[seen.length - 1], 'end');
});

test('a request can be cancelled while it runs', async () => {
  // Touch the file so the cached analysis from the previous test is not reused.
  writeFileSync(bigFile, readFileSync(bigFile, 'utf8') + '600001,1,2.0\n');
  const cts = new CancellationTokenSource();
  const pending = client.conn.sendRequest(PanelRequest, { uri: uriOf(bigFile) }, cts.token);
  setImmediate(() => cts.cancel());
  await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
  // The server is still fine afterwards.
  const again = await client.conn.sendRequest(PanelRequest, { uri: uriOf(join(fixtures, 'bad-rows.csv')) });
  assert.equal(again.format, 'csv');
});

test('a fit that cannot run says why above the plain chart, and its problems become diagnostics', async () => {
  const uri = uriOf(join(fixtures, 'bad-rows.csv'));
  const published = client.nextDiagnostics(uri);
  const result = await client.conn.sendRequest(PanelRequest, { uri, kind: 'fit' });
  assert.ok(result.panel.views.some((v) => v.id === 'metric'));
  assert.ok(result.panel.messages?.some((m) => m.severity === 'error' && /needs 5 distinct points/.test(m.text)), JSON.stringify(result.panel.messages));
  const { diagnostics } = await published;
  assert.ok(diagnostics.some((d) => d.code === 'data/too-few-points'));
});

test('a missing file is a request error naming it, not a crash', async () => {
  await assert.rejects(client.conn.sendRequest(PanelRequest, { uri: uriOf(join(fixtures, 'nope.csv')) }), /No such file/);
});

test('the workspace scan lists the run logs the readers claim', async () => {
  const found = await client.conn.sendRequest(FindRunLogsRequest, { folders: [uriOf(fixtures)] });
  assert.deepEqual(found.map((f) => f.uri.split('/').pop()).sort(), ['bad-rows.csv', 'lightning-metrics-head.csv']);
});

test('the fit panel fits laws in a worker and returns curves, formulas and the comparison', async () => {
  const uri = uriOf(join(__dirname, '..', 'fixtures', 'sweeps', 'chinchilla-sweep.csv'));
  const result = await client.conn.sendRequest(PanelRequest, { uri, kind: 'fit' });
  const ids = result.panel.views.map((v) => v.id);
  assert.ok(ids.includes('fit') && ids.includes('residuals') && ids.includes('comparison') && ids.includes('frontier'), ids.join(','));
  const formula = result.panel.views.find((v) => v.kind === 'formula' && v.id === 'formula-chinchilla');
  assert.ok(formula && formula.kind === 'formula');
  assert.match(formula.text, /^L = [\d.]+ \+ [\d.e]+ \/ N\^[\d.]+ \+ [\d.e]+ \/ D\^[\d.]+$/);
  const chart = result.panel.views.find((v) => v.id === 'fit');
  assert.ok(chart && chart.kind === 'chart');
  assert.ok(chart.series.some((s) => s.kind === 'band') && chart.series.some((s) => s.dashed));
});

test('a fit can be cancelled: the worker thread is stopped', async () => {
  const uri = uriOf(join(__dirname, '..', 'fixtures', 'sweeps', 'chinchilla-sweep.csv'));
  const cts = new CancellationTokenSource();
  const pending = client.conn.sendRequest(PanelRequest, { uri, kind: 'fit' }, cts.token);
  setTimeout(() => cts.cancel(), 50);
  await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
});

test('eval samples: the test-time scaling panel, then the planner answers a moved slider without re-reading the file', async () => {
  const uri = uriOf(join(__dirname, '..', 'fixtures', 'eval', 'generated-samples.jsonl'));
  const result = await client.conn.sendRequest(PanelRequest, { uri, kind: 'tts' });
  assert.equal(result.format, 'jsonl-samples');
  const ids = result.panel.views.map((v) => v.id);
  assert.equal(ids[0], 'tts-planner');
  assert.ok(ids.includes('tts-frontier') && ids.includes('tts-recommendation') && ids.includes('tts-curves-0'), ids.join(','));
  const rec = result.panel.views.find((v) => v.id === 'tts-recommendation');
  assert.ok(rec && rec.kind === 'table');
  assert.match(rec.title, /80(\.0)?%/);
  const started = Date.now();
  const moved = await client.conn.sendRequest(ControlRequest, { uri, kind: 'tts', action: 'plan', values: { target: 0.5, axis: 'tokens' } });
  const ms = Date.now() - started;
  assert.deepEqual(moved.views.map((v) => v.id).sort(), ['tts-frontier', 'tts-recommendation']);
  const rec50 = moved.views.find((v) => v.id === 'tts-recommendation');
  assert.ok(rec50 && rec50.kind === 'table' && /50(\.0)?%/.test(rec50.title));
  assert.ok(ms < 5000, `planner update took ${ms} ms`);
  const axis = await client.conn.sendRequest(ControlRequest, { uri, kind: 'tts', action: 'plan', values: { target: 0.5, axis: 'samples' } });
  assert.ok(axis.views.some((v) => v.id === 'tts-curves-0'), 'a new cost axis redraws the curves');
});

test('code lenses: Fit Scaling Law on run logs, headline pass@k / maj@k on eval samples', async () => {
  const logUri = uriOf(join(fixtures, 'bad-rows.csv'));
  const logLenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: logUri } });
  assert.deepEqual(logLenses?.map((l) => l.command?.command), ['scalingLens.fitScalingLaw']);
  const evalPath = join(__dirname, '..', 'fixtures', 'eval', 'generated-samples.jsonl');
  const evalUri = uriOf(evalPath);
  await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: evalUri, languageId: 'jsonl', version: 1, text: readFileSync(evalPath, 'utf8') } });
  const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: evalUri } });
  assert.ok(lenses && lenses.length === 4, JSON.stringify(lenses));
  assert.match(lenses[0].command!.title, /^deepseek-r1-distill-qwen-7b @ 1024: pass@1 \d+\.\d% · pass@16 \d+\.\d% · maj@16 \d+\.\d%$/);
  assert.equal(lenses[0].command!.command, 'scalingLens.showTestTimeScaling');
});

test('a folder of runs is one sweep: the fit panel fits it and lists every run', async () => {
  const uri = uriOf(join(__dirname, '..', 'fixtures', 'logs', 'made', 'mlruns'));
  const file = await client.conn.sendRequest(PanelRequest, { uri, kind: 'file' });
  assert.equal(file.format, 'sweep');
  assert.ok(file.panel.views.some((v) => v.id === 'runs'));
});

test('trace files: inlay hints per record, hover with the breakdown, symbols, lenses, findings and totals', async () => {
  const path = join(__dirname, '..', 'fixtures', 'traces', 'vllm-completions.jsonl');
  const uri = uriOf(path);
  const text = readFileSync(path, 'utf8');
  const totals = new Promise<{ uri: string; text: string }>((resolve) => client.conn.onNotification(TraceTotalsNotification, (t) => t.uri === uri && resolve(t)));
  const published = client.nextDiagnostics(uri);
  await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonl', version: 1, text } });
  await published;
  const t = await totals;
  assert.match(t.text, /^\d+ traces · [\d,.kM]+ think/);
  const lines = text.split('\n').filter((l) => l.trim()).length;
  const hints = await client.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } });
  assert.ok(hints && hints.length > 0);
  assert.match(String(hints[0].label), /^think [\d,]+ · answer [\d,]+/);
  const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: hints[0].position });
  const md = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(md, /tokenizer/i);
  const symbols = (await client.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string }[];
  assert.equal(symbols.length, hints.length);
  const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  assert.match(lenses![0].command!.title, /^Summarise file: \d+ traces/);
  assert.ok(lenses!.some((l) => l.command?.command === 'scalingLens.openTrace'));
  const panel = await client.conn.sendRequest(PanelRequest, { uri, kind: 'trace', line: hints[0].position.line });
  assert.ok(panel.panel.views.length > 0);
});

test('an Inspect .eval archive not open in an editor: the trace panel summarises it from disk', async () => {
  const uri = uriOf(join(__dirname, '..', 'fixtures', 'eval', 'inspect-popularity.eval'));
  const panel = await client.conn.sendRequest(PanelRequest, { uri, kind: 'trace' });
  const text = JSON.stringify(panel.panel);
  assert.ok(panel.panel.views.length > 0);
  assert.match(text, /\b10 traces\b/, text.slice(0, 400));
});

test('training configs: the workspace sweep is fitted, then hovers, information diagnostics, code actions and the side panel', async () => {
  // A config beside a sweep, as in examples/: the server finds and fits the sweep by itself.
  const dir = mkdtempSync(join(tmpdir(), 'sl-config-'));
  const cfg = new LspTestClient();
  await cfg.initialize(uriOf(dir));
  writeFileSync(join(dir, 'sweep.csv'), readFileSync(join(__dirname, '..', 'fixtures', 'sweeps', 'chinchilla-sweep.csv')));
  const text = readFileSync(join(__dirname, '..', '..', 'examples', 'configs', 'train.yaml'), 'utf8');
  const uri = uriOf(join(dir, 'train.yaml'));
  writeFileSync(join(dir, 'train.yaml'), text);
  const lawFound = new Promise<void>((resolve) => {
    cfg.conn.onNotification('window/logMessage', (m: { message: string }) => {
      if (/Configs use the Chinchilla fit of sweep\.csv/.test(m.message)) resolve();
    });
  });
  const published = cfg.nextDiagnostics(uri);
  await cfg.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await lawFound;
  const diags = (await published).diagnostics;
  assert.ok(diags.length > 0 && diags.every((d) => d.severity !== 1), 'information or warnings, never an error for a legal choice');
  assert.ok(diags.some((d) => /Step Law optimum/.test(d.message)), JSON.stringify(diags.map((d) => d.message)));
  const line = text.split('\n').findIndex((l) => l.includes('max_steps'));
  const hover = await cfg.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 4 } });
  const md = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(md, /loss/i);
  const lrLine = text.split('\n').findIndex((l) => l.includes('learning_rate'));
  const actions = (await cfg.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: lrLine, character: 0 }, end: { line: lrLine, character: 0 } }, context: { diagnostics: diags } })) as { title: string; edit?: { changes: Record<string, { newText: string }[]> } }[];
  const lr = actions.find((a) => /learning rate/i.test(a.title));
  assert.ok(lr?.edit, JSON.stringify(actions.map((a) => a.title)));
  assert.match(lr.edit.changes[uri][0].newText, /^\d(\.\d+)?e-\d+$/, 'the file\'s number style (3.0e-4) is kept');
  const panel = await cfg.conn.sendRequest(PanelRequest, { uri, kind: 'file' });
  assert.ok(panel.panel.views.some((v) => v.id === 'config-frontier'), panel.panel.views.map((v) => v.id).join(','));
  // The budget planner opened from the config offers to write its recommendation into it.
  const planner = await cfg.conn.sendRequest(PanelRequest, { uri, kind: 'plan' });
  const control = planner.panel.views[0];
  assert.ok(control.kind === 'control' && control.controls.some((c) => c.type === 'button'));
  await cfg.conn.sendRequest(ControlRequest, { uri, kind: 'plan', action: 'budget', values: { kind: 'flops', value: 21 } });
  const applied = await cfg.conn.sendRequest(ControlRequest, { uri, kind: 'plan', action: 'budget', values: { kind: 'flops', value: 21, apply: 1 } });
  assert.ok(applied.edit, applied.message);
  assert.equal(applied.edit.uri, uri);
  assert.ok(applied.edit.edits.some((e) => /^\d+$/.test(e.newText)), 'the steps are rewritten');
  await cfg.shutdown();
});

test('the budget planner: a budget in, the recommended N, D, learning rate and batch out, updating as the slider moves', async () => {
  const sweep = uriOf(join(__dirname, '..', 'fixtures', 'sweeps', 'chinchilla-sweep.csv'));
  await client.conn.sendRequest(PanelRequest, { uri: sweep, kind: 'fit' });
  const folder = uriOf(join(__dirname, '..', 'fixtures', 'sweeps'));
  const result = await client.conn.sendRequest(PanelRequest, { uri: folder, kind: 'plan' });
  assert.deepEqual(result.panel.views.map((v) => v.id), ['planner-control', 'planner-recommendation', 'planner-frontier']);
  const table = (r: typeof result.panel.views) => r.find((v) => v.id === 'planner-recommendation') as { rows: (string | number | null)[][] };
  const value = (rows: (string | number | null)[][], what: string) => String(rows.find((row) => row[0] === what)?.[1]);
  const before = table(result.panel.views).rows;
  assert.match(value(before, 'model size N'), /e\d+|^\d/);
  assert.notEqual(value(before, 'learning rate (Step Law)'), 'undefined');
  const moved = await client.conn.sendRequest(ControlRequest, { uri: folder, kind: 'plan', action: 'budget', values: { kind: 'flops', value: 24 } });
  const after = table(moved.views).rows;
  assert.equal(value(after, 'compute C'), '1e24 FLOPs');
  assert.ok(Number(value(after, 'model size N')) > Number(value(before, 'model size N')), 'more compute, a bigger model');
  const dollars = await client.conn.sendRequest(ControlRequest, { uri: folder, kind: 'plan', action: 'budget', values: { kind: 'dollars', value: 5 } });
  assert.equal(dollars.views[0].id, 'planner-control', 'a new budget kind redraws the control too');
  assert.ok(table(dollars.views).rows.some((r) => r[0] === 'dollars'));
});

test('over Node IPC with structured-clone serialization, as the extension starts it, the server says so and answers', async () => {
  const ipc = new LspTestClient('ipc-advanced');
  const status = new Promise<ServerStatus>((resolve) => ipc.conn.onNotification(ServerStatusNotification, resolve));
  await ipc.initialize(uriOf(fixtures));
  assert.equal((await status).channel, 'ipc-advanced');
  const path = join(fixtures, 'bad-rows.csv');
  const uri = uriOf(path);
  const published = ipc.nextDiagnostics(uri);
  await ipc.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'csv', version: 1, text: readFileSync(path, 'utf8') } });
  assert.equal((await published).diagnostics.length, 3);
  const panel = await ipc.conn.sendRequest(PanelRequest, { uri, kind: 'file' });
  assert.ok(panel.panel.views.length > 0);
  assert.equal(await ipc.shutdown(), 0);
});

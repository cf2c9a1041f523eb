/**
 * Integration tests that run inside the VS Code extension host, against the installed
 * extension, through the VS Code API. The same `run()` serves two launchers:
 * - code-server (here): the runner extension in test/integration/runner calls it;
 * - desktop VS Code: `@vscode/test-electron` loads it as `extensionTestsPath`
 *   (see test/integration/runTestElectron.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScalingLensApi } from '../../src/extension/extension';
import type { PanelResult } from '../../src/protocol/lsp';

export interface TestOutcome {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const EXTENSION_ID = 'scaling-lens.scaling-lens';

/** Waits for an event (or gives up with a message naming what never came). */
function waitFor<T>(event: vscode.Event<T>, accept: (e: T) => boolean, what: string, ms = 30000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      if (!accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

function errorsFor(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Scaling Lens');
}

async function diagnosticsFor(uri: vscode.Uri, accept: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  if (accept(errorsFor(uri))) return errorsFor(uri);
  await waitFor(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.toString() === uri.toString()) && accept(errorsFor(uri)), `diagnostics for ${uri.path}`);
  return errorsFor(uri);
}

export async function run(): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the integration suite needs the examples folder open');
  const sweep = vscode.Uri.joinPath(folder, 'runs', 'sweep.csv');
  let api!: ScalingLensApi;

  const test = async (name: string, body: () => Promise<void>) => {
    const t0 = Date.now();
    try {
      await body();
      outcomes.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      outcomes.push({ name, ok: false, ms: Date.now() - t0, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  };

  await test('the extension activates and its server says it is ready', async () => {
    const ext = vscode.extensions.getExtension<ScalingLensApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const ready = ext.isActive ? undefined : ext.exports?.nextServerStatus();
    api = await ext.activate();
    if (!api.serverPid()) await (ready ?? api.nextServerStatus());
    assert.ok((api.serverPid() ?? 0) > 0);
    // Big documents reach the server through structured clone, not JSON (see serverProcess.ts).
    assert.equal(api.serverChannel(), 'ipc-advanced');
  });

  await test('opening a run log shows its bad row as a diagnostic at the right line', async () => {
    const doc = await vscode.workspace.openTextDocument(sweep);
    await vscode.window.showTextDocument(doc);
    const diags = await diagnosticsFor(sweep, (d) => d.length > 0);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.lineAt(diags[0].range.start.line).text.split(',')[0], '410m-5tpp-retry');
    assert.match(diags[0].message, /expects a number, found 'diverged'/);
  });

  await test('"Fit Scaling Law" opens a panel with the fitted laws drawn over every good row', async () => {
    const rendered = waitFor(api.onRendered, (r) => r.kind === 'fit', 'the fit panel to render', 60000);
    const result = (await vscode.commands.executeCommand('scalingLens.fitScalingLaw', sweep)) as PanelResult | undefined;
    assert.ok(result, 'the command returns the server result');
    assert.equal(result.format, 'csv');
    const formula = result.panel.views.find((v) => v.id === 'formula-chinchilla');
    assert.ok(formula, 'the Chinchilla fit is shown');
    const report = await rendered;
    assert.deepEqual(report.charts.map((c) => c.id), ['fit', 'residuals']);
    // 25 runs, and the two laws' residuals for each.
    assert.equal(report.charts[1].points, 50);
    assert.ok(report.charts[0].points > 25);
  });

  await test('"Show Test-Time Scaling" on eval samples opens the planner and the curves with their intervals', async () => {
    const samples = vscode.Uri.joinPath(folder, 'eval', 'samples.jsonl');
    const rendered = waitFor(api.onRendered, (r) => r.kind === 'tts', 'the test-time scaling panel to render', 90000);
    const result = (await vscode.commands.executeCommand('scalingLens.showTestTimeScaling', samples)) as PanelResult | undefined;
    assert.ok(result, 'the command returns the server result');
    assert.equal(result.panel.views[0].id, 'tts-planner');
    const report = await rendered;
    assert.ok(report.charts.some((c) => c.id === 'tts-frontier' && c.points > 0));
    assert.ok(report.charts.filter((c) => c.id.startsWith('tts-curves-')).length >= 6);
  });

  await test('a crashed server is restarted by the client, and diagnostics keep working', async () => {
    const before = api.serverPid()!;
    const next = api.nextServerStatus();
    process.kill(before, 'SIGKILL');
    const status = await next;
    assert.notEqual(status.pid, before);
    const edit = new vscode.WorkspaceEdit();
    const doc = await vscode.workspace.openTextDocument(sweep);
    const line = doc.lineAt(14);
    edit.replace(sweep, line.range, line.text.replace('diverged', 'oops'));
    await vscode.workspace.applyEdit(edit);
    const diags = await diagnosticsFor(sweep, (d) => d.some((x) => x.message.includes("'oops'")));
    assert.equal(diags.length, 1);
    const undo = new vscode.WorkspaceEdit();
    undo.replace(sweep, doc.lineAt(14).range, line.text);
    await vscode.workspace.applyEdit(undo);
  });

  await test('"Restart Analysis Server" starts a fresh server process', async () => {
    const before = api.serverPid()!;
    const next = api.nextServerStatus();
    await vscode.commands.executeCommand('scalingLens.restartServer');
    const status = await next;
    assert.notEqual(status.pid, before);
    let alive = true;
    try {
      process.kill(before, 0);
    } catch {
      alive = false;
    }
    assert.equal(alive, false, 'the old server process has exited');
  });

  return outcomes;
}

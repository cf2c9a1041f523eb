import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import {
  createConnection,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeLens,
  type Diagnostic,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../package.json';
import type { FileAnalysis } from '../core/analysis';
import type { Problem } from '../core/ingest/problem';
import { sweepRunsTable } from '../core/report/sweepPanel';
import type { TrainingFitResult } from '../core/report/trainingFit';
import { plannerViews, testTimePanel, type CostAxis, type TestTimeAnalysis } from '../core/tts';
import { CancelledError } from '../core/work';
import { ControlRequest, FindRunLogsRequest, PanelRequest, type ControlParams, type ControlResult, ServerStatusNotification, type PanelKind, type PanelParams, type PanelResult, type ServerSettings } from '../protocol/lsp';
import type { PanelSpec } from '../protocol/spec';
import { AnalysisCache } from './analysisCache';
import { toDiagnostic } from './diagnostics';
import { runTask } from './workerTasks';
import { findRunLogs } from './workspaceScan';

// createConnection picks the transport from argv: --stdio, --node-ipc or --socket=N.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let folders: WorkspaceFolder[] = [];
let canPullConfiguration = false;
let settings: ServerSettings | undefined;
/** Files the user asked about (not open in an editor) whose diagnostics stay published. */
const pinned = new Set<string>();

const DEFAULT_SETTINGS: ServerSettings = {
  runLog: { xColumn: null, yColumn: null },
  fit: { laws: [], map: {}, resamples: 1000, seed: 0 },
  tts: { target: 0.8, threshold: 1, resamples: 1000, seed: 0, prices: {} },
};

function displayName(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  const path = fileURLToPath(uri);
  for (const f of folders) {
    const root = fileURLToPath(f.uri);
    const rel = relative(root, path);
    if (!rel.startsWith('..')) return rel;
  }
  return path;
}

const cache = new AnalysisCache(documents, displayName);

async function getSettings(): Promise<ServerSettings> {
  if (settings) return settings;
  if (!canPullConfiguration) return (settings = DEFAULT_SETTINGS);
  const raw = (await connection.workspace.getConfiguration('scalingLens')) as Partial<ServerSettings> | null;
  settings = {
    runLog: { ...DEFAULT_SETTINGS.runLog, ...(raw?.runLog ?? {}) },
    fit: { ...DEFAULT_SETTINGS.fit, ...(raw?.fit ?? {}) },
    tts: { ...DEFAULT_SETTINGS.tts, ...(raw?.tts ?? {}) },
  };
  return settings;
}

async function axesFor(params?: { x?: string | null; y?: string | null }) {
  const s = await getSettings();
  return { x: params?.x ?? s.runLog.xColumn ?? undefined, y: params?.y ?? s.runLog.yColumn ?? undefined };
}

connection.onInitialize((params): InitializeResult => {
  folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  canPullConfiguration = !!params.capabilities.workspace?.configuration;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      workspace: { workspaceFolders: { supported: true } },
    },
    serverInfo: { name: 'Scaling Lens analysis server', version },
  };
});

connection.onInitialized(() => {
  connection.console.info(`Scaling Lens analysis server ${version} ready (pid ${process.pid}, node ${process.version}).`);
  connection.sendNotification(ServerStatusNotification, { state: 'ready', version, pid: process.pid });
});

connection.onDidChangeConfiguration(() => {
  settings = undefined;
  cache.clear();
  for (const doc of documents.all()) schedule(doc.uri, 0);
  for (const uri of pinned) schedule(uri, 0);
});

const timers = new Map<string, NodeJS.Timeout>();

/** Re-analyses a document after typing pauses, then publishes its diagnostics. */
function schedule(uri: string, delayMs: number): void {
  clearTimeout(timers.get(uri));
  timers.set(
    uri,
    setTimeout(() => {
      timers.delete(uri);
      void publish(uri);
    }, delayMs),
  );
}

async function publish(uri: string): Promise<void> {
  try {
    const analysis = await cache.get(uri, await axesFor());
    const doc = documents.get(uri);
    connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: diagnosticsOf(analysis) });
  } catch (e) {
    connection.console.error(`Could not analyse ${displayName(uri)}: ${(e as Error).message}`);
  }
}

documents.onDidOpen((e) => schedule(e.document.uri, 0));
documents.onDidChangeContent((e) => schedule(e.document.uri, 200));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  cache.drop(e.document.uri);
  // A closed buffer's diagnostics described unsaved text; pinned files fall back to the disk copy.
  if (pinned.has(e.document.uri)) schedule(e.document.uri, 0);
  else connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** Test-time analyses behind open panels, for planner updates without re-reading the file. */
const testTimeAnalyses = new WeakMap<FileAnalysis, TestTimeAnalysis>();
const plannerAxis = new WeakMap<TestTimeAnalysis, CostAxis>();

const NOT_YET: Partial<Record<PanelKind, string>> = {
  tts: 'Test-time scaling needs a file of eval samples (one record per problem and sample); this file holds something else.',
  trace: 'Trace analysis (thinking and answer tokens, markers) is not in this version yet; this shows what the file holds.',
  plan: 'The budget planner is not in this version yet; this shows what the file holds.',
};

/**
 * Problems the last fit found in an analysed state of a file (rows the fit dropped, data it
 * refused), shown beside the reader's until the file changes and a new analysis replaces it.
 */
const fitProblems = new WeakMap<FileAnalysis, Problem[]>();

function diagnosticsOf(analysis: FileAnalysis): Diagnostic[] {
  return [...analysis.problems, ...(fitProblems.get(analysis) ?? [])].map(toDiagnostic);
}

/** The panel for the analysis asked for; kinds not built yet say so rather than pretend. */
async function panelFor(kind: PanelKind, uri: string, analysis: FileAnalysis, token: CancellationToken, report: (fraction: number, message: string) => void): Promise<PanelSpec> {
  if (kind === 'fit' && analysis.table) {
    const s = await getSettings();
    report(0.3, 'Fitting scaling laws');
    const started = Date.now();
    const result = await runTask<TrainingFitResult>(
      { task: 'trainingFit', table: analysis.table, options: { laws: s.fit.laws, map: s.fit.map, resamples: s.fit.resamples, seed: s.fit.seed } },
      token,
      (fraction, message) => report(0.3 + 0.7 * fraction, message),
    );
    connection.console.log(`Fit of ${displayName(uri)}: ${result.fits.map((f) => `${f.law} ${f.ok ? 'ok' : 'failed'}`).join(', ') || 'no law'} (${Date.now() - started} ms).`);
    fitProblems.set(analysis, result.problems);
    if (analysis.sweep) result.panel.views.push(sweepRunsTable(analysis.sweep));
    if (!result.fits.some((f) => f.ok)) {
      // Nothing could be fitted: show why, above what the file holds.
      return { ...analysis.panel, messages: [...(result.panel.messages ?? []), ...(analysis.panel.messages ?? [])] };
    }
    return result.panel;
  }
  if ((kind === 'tts' || kind === 'plan') && analysis.samples) {
    const s = await getSettings();
    report(0.3, 'Estimating test-time scaling curves');
    const started = Date.now();
    const tts = await runTask<TestTimeAnalysis>(
      { task: 'testTime', sets: [analysis.samples], options: { target: s.tts.target, threshold: s.tts.threshold, resamples: s.tts.resamples, seed: s.tts.seed, cost: { prices: s.tts.prices } } },
      token,
      (fraction, message) => report(0.3 + 0.7 * fraction, message),
    );
    testTimeAnalyses.set(analysis, tts);
    connection.console.log(`Test-time scaling of ${displayName(uri)}: ${tts.configs.length} configurations, ${tts.candidates.length} candidates (${Date.now() - started} ms).`);
    return testTimePanel(tts);
  }
  const note = NOT_YET[kind];
  return note ? { ...analysis.panel, messages: [{ severity: 'info', text: note }, ...(analysis.panel.messages ?? [])] } : analysis.panel;
}

connection.onRequest(PanelRequest, async (params: PanelParams, token: CancellationToken): Promise<PanelResult> => {
  const progress = await connection.window.attachWorkDoneProgress(params.workDoneToken);
  progress.begin('Scaling Lens', 0, `Reading ${displayName(params.uri)}`, true);
  const started = Date.now();
  const report = (fraction: number, message: string) => progress.report(Math.round(fraction * 100), message);
  try {
    const analysis = await cache.get(params.uri, await axesFor(params), { cancel: token, progress: (f, m) => report(f * 0.3, m) });
    if (!documents.get(params.uri)) pinned.add(params.uri);
    const panel = await panelFor(params.kind ?? 'file', params.uri, analysis, token, report);
    connection.sendDiagnostics({ uri: params.uri, version: documents.get(params.uri)?.version, diagnostics: diagnosticsOf(analysis) });
    connection.console.log(`Panel (${params.kind ?? 'file'}) for ${displayName(params.uri)}: ${analysis.summary} (${Date.now() - started} ms).`);
    return { uri: params.uri, format: analysis.format, summary: analysis.summary, problemCount: analysis.problems.length, panel };
  } catch (e) {
    if (e instanceof CancelledError || token.isCancellationRequested) {
      connection.console.log(`Panel for ${displayName(params.uri)} cancelled after ${Date.now() - started} ms.`);
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Cancelled');
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ResponseError(LSPErrorCodes.RequestFailed, `No such file: ${displayName(params.uri)}`);
    connection.console.error(`Panel for ${displayName(params.uri)} failed: ${err.stack ?? err.message}`);
    throw e;
  } finally {
    progress.done();
  }
});

connection.onRequest(ControlRequest, async (params: ControlParams): Promise<ControlResult> => {
  const started = Date.now();
  const analysis = await cache.get(params.uri, await axesFor());
  const tts = testTimeAnalyses.get(analysis);
  if (params.action === 'plan' && tts) {
    const target = Number(params.values.target ?? tts.target);
    const axis = (typeof params.values.axis === 'string' && (tts.axes as string[]).includes(params.values.axis) ? params.values.axis : tts.costAxis) as CostAxis;
    // A new cost axis redraws every curve on it; a new target only the planner's views.
    const axisChanged = (plannerAxis.get(tts) ?? tts.costAxis) !== axis;
    plannerAxis.set(tts, axis);
    const views = axisChanged ? testTimePanel(tts, axis, target).views.filter((v) => v.kind !== 'control') : plannerViews(tts, target, axis);
    connection.console.log(`Planner for ${displayName(params.uri)}: target ${target}, ${axis} (${Date.now() - started} ms).`);
    return { views };
  }
  throw new ResponseError(LSPErrorCodes.RequestFailed, `The ${params.kind} panel of ${displayName(params.uri)} is out of date: run the command again.`);
});

/** Headline numbers of eval-sample files (no bootstrap: a lens must be quick), per analysis. */
const headlines = new WeakMap<FileAnalysis, Promise<TestTimeAnalysis>>();

connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
  const uri = params.textDocument.uri;
  let analysis: FileAnalysis;
  try {
    analysis = await cache.get(uri, await axesFor());
  } catch {
    return [];
  }
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (analysis.kind === 'run-log') {
    return [{ range: top, command: { title: '$(graph-line) Fit Scaling Law', command: 'scalingLens.fitScalingLaw', arguments: [uri] } }];
  }
  if (analysis.kind !== 'eval-samples' || !analysis.samples) return [];
  let pending = headlines.get(analysis);
  if (!pending) {
    pending = runTask<TestTimeAnalysis>({ task: 'testTime', sets: [analysis.samples], options: { resamples: 0, studies: false, lawRefits: 0 } }, token);
    headlines.set(analysis, pending);
    // A cancelled lens request leaves nothing half-computed behind for the next one.
    pending.catch(() => headlines.delete(analysis));
  }
  const tts = await pending;
  const pct = (v: number | undefined) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);
  const lenses: CodeLens[] = tts.configs.slice(0, 6).map((c) => {
    const at = (metric: string, k: number) => c.curves.find((m) => m.metric === metric)?.points.find((p) => p.k === k)?.value;
    return {
      range: top,
      command: { title: `${c.config}: pass@1 ${pct(at('pass@k', 1))} · pass@${c.K} ${pct(at('pass@k', c.K))} · maj@${c.K} ${pct(at('maj@k', c.K))}`, command: 'scalingLens.showTestTimeScaling', arguments: [uri] },
    };
  });
  if (tts.configs.length > 6) lenses.push({ range: top, command: { title: `… ${tts.configs.length - 6} more configurations`, command: 'scalingLens.showTestTimeScaling', arguments: [uri] } });
  return lenses;
});

connection.onRequest(FindRunLogsRequest, async (params) => {
  const out = [];
  for (const folder of params.folders) {
    for (const f of await findRunLogs(fileURLToPath(folder))) {
      out.push({ uri: pathToFileURL(f.path).toString(), format: f.format, summary: f.title });
    }
  }
  return out;
});

documents.listen(connection);
connection.listen();

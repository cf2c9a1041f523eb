import { fileURLToPath, pathToFileURL } from 'node:url';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import {
  createConnection,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  CodeActionKind,
  SymbolKind,
  type CodeLens,
  type Diagnostic,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../package.json';
import { traceProblems, type FileAnalysis } from '../core/analysis';
import { bundledTokenizers, defaultPriceRows, ESTIMATED_FAMILIES, estimateTitle, findCachedTokenizers, type PriceRow } from '../core/tokens';
import { fileSummaryPanel, inlayText, type FileTraceSummary, type TraceOptions } from '../core/traces';
import { samplesFromTraces } from '../core/ingest/evalSamples';
import type { Problem } from '../core/ingest/problem';
import { sweepRunsTable } from '../core/report/sweepPanel';
import type { TrainingFitResult } from '../core/report/trainingFit';
import { plannerViews, pricesForSamples, testTimePanel, type CostAxis, type TestTimeAnalysis } from '../core/tts';
import { CancelledError } from '../core/work';
import { FileTraceOptionsNotification, TraceChoicesRequest, TraceTotalsNotification, type FileTraceOptions } from '../protocol/lsp';
import { ControlRequest, FindRunLogsRequest, PanelRequest, type ControlParams, type ControlResult, ServerStatusNotification, type PanelKind, type PanelParams, type PanelResult, type ServerSettings, type ServerStatus } from '../protocol/lsp';
import type { PanelSpec } from '../protocol/spec';
import { AnalysisCache } from './analysisCache';
import { END_OF_LINE, toDiagnostic } from './diagnostics';
import { budgetEdits } from '../core/config';
import { budgetPlannerPanel, defaultPlannerInputs, plannerRecommendation, plannerViews as plannerBudgetViews, type BudgetKind, type PlannerContext, type PlannerInputs } from '../core/report/budgetPlanner';
import { ConfigService } from './configs';
import { TraceService } from './traces';
import { prestartWorker, runTask } from './workerTasks';
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
  traces: { tokenizer: 'auto', modelRules: [], prices: [] },
  planner: { gpuFlops: 9.89e14, utilization: 0.4, dollarsPerGpuHour: 2.5 },
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

/** Tokenizer and price row the user chose per trace file (from the status bar). */
const fileTraceOptions = new Map<string, FileTraceOptions>();

/** Trace options for a file: its own choice, then the settings, then each record's model. */
async function traceOptionsFor(uri: string): Promise<TraceOptions> {
  const s = (await getSettings()).traces;
  const own = fileTraceOptions.get(uri);
  const tokenizer = own?.tokenizer ?? (s.tokenizer && s.tokenizer !== 'auto' ? s.tokenizer : undefined);
  const userRows: PriceRow[] = s.prices.map((r) => ({ provider: 'settings', asOf: 'settings', source: 'scalingLens.traces.prices', ...r }));
  const chosen = own?.priceRow ? [...userRows, ...defaultPriceRows].find((r) => r.id === own.priceRow) : undefined;
  return {
    tokenizer,
    modelRules: s.modelRules,
    // A row chosen for this file prices every record in it.
    prices: chosen ? [{ ...chosen, models: ['*'] }, ...userRows] : userRows,
    cache: true,
  };
}

const traces = new TraceService(connection, documents, traceOptionsFor, displayName);
const configs = new ConfigService(connection, documents, displayName);

let lawsSearch: Promise<void> | undefined;

/**
 * Configs need a fitted law. Before any "Fit Scaling Law", the first sweep in the workspace with
 * model sizes, tokens and losses is fitted (Chinchilla, in a worker), once.
 */
function ensureWorkspaceLaws(): Promise<void> {
  if (configs.hasLossLaw) return Promise.resolve();
  lawsSearch ??= (async () => {
    const s = await getSettings();
    for (const folder of folders) {
      for (const f of (await findRunLogs(fileURLToPath(folder.uri), 50)).slice(0, 20)) {
        const uri = pathToFileURL(f.path).toString();
        const analysis = await cache.get(uri, await axesFor()).catch(() => undefined);
        if (!analysis?.table) continue;
        const result = await runTask<TrainingFitResult>(
          { task: 'trainingFit', table: analysis.table, options: { laws: ['chinchilla'], map: s.fit.map, resamples: Math.min(s.fit.resamples, 400), seed: s.fit.seed, keepSamples: true } },
          { isCancellationRequested: false },
        ).catch(() => undefined);
        if (result && configs.useFit(result)) {
          connection.console.log(`Configs use the Chinchilla fit of ${displayName(uri)} (found in the workspace).`);
          return;
        }
      }
    }
    connection.console.log('No sweep with model sizes, tokens and losses in the workspace: configs get plans without predictions until a law is fitted.');
  })();
  return lawsSearch;
}

/** Publishes a config's diagnostics; true when the document is a training config. */
async function publishConfig(doc: TextDocument): Promise<boolean> {
  const diagnostics = configs.diagnostics(doc);
  if (diagnostics === null) return false;
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  if (!configs.hasLossLaw) {
    await ensureWorkspaceLaws();
    if (configs.hasLossLaw && documents.get(doc.uri)?.version === doc.version) {
      connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: configs.diagnostics(doc) ?? [] });
    }
  }
  return true;
}

async function getSettings(): Promise<ServerSettings> {
  if (settings) return settings;
  if (!canPullConfiguration) return (settings = DEFAULT_SETTINGS);
  const raw = (await connection.workspace.getConfiguration('scalingLens')) as Partial<ServerSettings> | null;
  settings = {
    runLog: { ...DEFAULT_SETTINGS.runLog, ...(raw?.runLog ?? {}) },
    fit: { ...DEFAULT_SETTINGS.fit, ...(raw?.fit ?? {}) },
    tts: { ...DEFAULT_SETTINGS.tts, ...(raw?.tts ?? {}) },
    traces: { ...DEFAULT_SETTINGS.traces, ...(raw?.traces ?? {}) },
    planner: { ...DEFAULT_SETTINGS.planner, ...(raw?.planner ?? {}) },
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
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
      inlayHintProvider: true,
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      workspace: { workspaceFolders: { supported: true } },
    },
    serverInfo: { name: 'Scaling Lens analysis server', version },
  };
});

/**
 * How the client reaches this process: createConnection chose the transport from argv; Node
 * hides an IPC channel's serialization from the child, so the parent that chose it says it in
 * `--ipc-serialization=` (see src/extension/serverProcess.ts).
 */
const channel: ServerStatus['channel'] = process.argv.includes('--stdio')
  ? 'stdio'
  : process.argv.includes('--node-ipc')
    ? process.argv.includes('--ipc-serialization=advanced')
      ? 'ipc-advanced'
      : 'ipc-json'
    : 'other';

connection.onInitialized(() => {
  connection.console.info(`Scaling Lens analysis server ${version} ready (pid ${process.pid}, node ${process.version}, ${channel}).`);
  connection.sendNotification(ServerStatusNotification, { state: 'ready', version, pid: process.pid, channel });
  // After the editor's first requests (diagnostics of the open files), not competing with them.
  setTimeout(prestartWorker, 1500).unref();
});

connection.onDidChangeConfiguration(() => {
  settings = undefined;
  cache.clear();
  traces.reset();
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

async function isFolder(uri: string): Promise<boolean> {
  if (!uri.startsWith('file:')) return false;
  try {
    return (await stat(fileURLToPath(uri))).isDirectory();
  } catch {
    return false;
  }
}

async function publish(uri: string): Promise<void> {
  try {
    const doc = documents.get(uri);
    // YAML and TOML are configs or nothing; JSON may be a log, eval samples or traces first.
    if (doc && /\.(ya?ml|toml)$/i.test(uri)) {
      await publishConfig(doc);
      return;
    }
    const analysis = await cache.get(uri, await axesFor());
    if (doc && analysis.kind === 'unknown' && /\.json$/i.test(uri) && (await publishConfig(doc))) return;
    if (analysis.kind === 'traces' && doc && analysis.format) {
      await publishTraces(doc, analysis.format);
      return;
    }
    connection.sendDiagnostics({ uri, version: doc?.version, diagnostics: diagnosticsOf(analysis) });
  } catch (e) {
    connection.console.error(`Could not analyse ${displayName(uri)}: ${(e as Error).message}`);
  }
}

/** A trace file: summary in a worker, then its findings, totals, and fresh hints and lenses. */
async function publishTraces(doc: TextDocument, format: string): Promise<void> {
  if (!traces.track(doc, format)) return;
  const started = Date.now();
  const summary = await traces.summary(doc);
  if (documents.get(doc.uri)?.version !== doc.version) return;
  connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: traceProblems(summary).map(toDiagnostic) });
  const t = summary.totals;
  const short = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : v.toLocaleString('en-US'));
  void connection.sendNotification(TraceTotalsNotification, {
    uri: doc.uri,
    text: `${summary.records.toLocaleString('en-US')} traces · ${short(t.thinking)} think${t.dollars !== undefined ? ` · $${t.dollars < 100 ? t.dollars.toFixed(2) : Math.round(t.dollars).toLocaleString('en-US')}` : ''}${t.estimated ? ' (est.)' : ''}`,
    tooltip: `${displayName(doc.uri)}: ${summary.records} traces; ${t.thinking.toLocaleString('en-US')} thinking + ${t.answer.toLocaleString('en-US')} answer tokens; tokenizers ${summary.tokenizers.map((x) => `${x.id}${x.exact ? '' : ' (estimate)'}`).join(', ')}${t.priceRows.length ? `; prices ${t.priceRows.join(', ')}` : '; no price row'}. Click to choose the tokenizer or price row.`,
  });
  connection.console.log(`Trace summary of ${displayName(doc.uri)}: ${summary.records} records (${Date.now() - started} ms).`);
  // Hints and lenses drawn from visible records can now come from the summary.
  void connection.languages.inlayHint.refresh().catch(() => undefined);
  void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

connection.onNotification(FileTraceOptionsNotification, (o) => {
  fileTraceOptions.set(o.uri, o);
  traces.forget(o.uri);
  cache.drop(o.uri);
  schedule(o.uri, 0);
});

connection.onRequest(TraceChoicesRequest, async () => ({
  tokenizers: [
    ...bundledTokenizers.map((t) => ({ id: t.id, title: t.title })),
    ...findCachedTokenizers().map((t) => ({ id: `file:${t.path}`, title: `${t.repo} (Hugging Face cache)` })),
    // Families without a public tokenizer: counts marked as estimates.
    ...Object.keys(ESTIMATED_FAMILIES).map((f) => ({ id: `estimate:${f}`, title: estimateTitle(f) })),
  ],
  priceRows: [...(await getSettings()).traces.prices.map((r) => ({ id: r.id, provider: r.provider ?? 'settings' })), ...defaultPriceRows.map((r) => ({ id: r.id, provider: r.provider, note: r.note }))],
}));

/** The trace document at `uri` when it is one, else undefined. */
async function traceDoc(uri: string): Promise<TextDocument | undefined> {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const analysis = await cache.get(uri, await axesFor());
  if (analysis.kind !== 'traces' || !analysis.format) return undefined;
  traces.track(doc, analysis.format);
  return doc;
}

connection.languages.inlayHint.on(async (params) => {
  const doc = await traceDoc(params.textDocument.uri);
  return doc ? traces.inlayHints(doc, params.range) : [];
});

connection.onHover(async (params) => {
  const open = documents.get(params.textDocument.uri);
  if (open && configs.analysis(open)) {
    // A hover right after opening the workspace's first config would otherwise miss the
    // predictions of the law still being fitted (once per session, ~1 s).
    if (!configs.hasLossLaw) await ensureWorkspaceLaws();
    return configs.hover(open, open.offsetAt(params.position));
  }
  const doc = await traceDoc(params.textDocument.uri);
  return doc ? traces.hover(doc, params.position.line) : undefined;
});

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? configs.codeActions(doc, params.range, params.context.diagnostics) : [];
});

connection.onDocumentSymbol(async (params) => {
  const doc = await traceDoc(params.textDocument.uri);
  if (!doc) return [];
  const summary = await traces.summary(doc);
  return summary.rows.slice(0, 5000).map((r) => {
    const range = { start: { line: r.line - 1, character: 0 }, end: { line: r.endLine - 1, character: END_OF_LINE } };
    return { name: r.id, detail: inlayText(r), kind: SymbolKind.Object, range, selectionRange: { start: range.start, end: range.start } };
  });
});

connection.onFoldingRanges(async (params) => {
  const doc = await traceDoc(params.textDocument.uri);
  if (!doc) return [];
  const summary = await traces.summary(doc);
  return summary.rows.filter((r) => r.endLine > r.line).slice(0, 5000).map((r) => ({ startLine: r.line - 1, endLine: r.endLine - 1, kind: 'region' }));
});

documents.onDidOpen((e) => schedule(e.document.uri, 0));
documents.onDidChangeContent((e) => schedule(e.document.uri, 200));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  cache.drop(e.document.uri);
  traces.forget(e.document.uri);
  configs.forget(e.document.uri);
  // A closed buffer's diagnostics described unsaved text; pinned files fall back to the disk copy.
  if (pinned.has(e.document.uri)) schedule(e.document.uri, 0);
  else connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** Test-time analyses behind open panels, for planner updates without re-reading the file. */
const testTimeAnalyses = new WeakMap<FileAnalysis, TestTimeAnalysis>();
const plannerAxis = new WeakMap<TestTimeAnalysis, CostAxis>();

const NOT_YET: Partial<Record<PanelKind, string>> = {
  tts: 'Test-time scaling needs a file of eval samples (one record per problem and sample); this file holds something else.',
  trace: 'This file holds no model outputs Scaling Lens recognises as traces; this shows what it holds.',
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
async function panelFor(kind: PanelKind, uri: string, analysis: FileAnalysis, token: CancellationToken, report: (fraction: number, message: string) => void, line?: number): Promise<PanelSpec> {
  if (kind === 'fit' && analysis.table) {
    const s = await getSettings();
    report(0.3, 'Fitting scaling laws');
    const started = Date.now();
    const result = await runTask<TrainingFitResult>(
      { task: 'trainingFit', table: analysis.table, options: { laws: s.fit.laws, map: s.fit.map, resamples: s.fit.resamples, seed: s.fit.seed, keepSamples: true } },
      token,
      (fraction, message) => report(0.3 + 0.7 * fraction, message),
    );
    connection.console.log(`Fit of ${displayName(uri)}: ${result.fits.map((f) => `${f.law} ${f.ok ? 'ok' : 'failed'}`).join(', ') || 'no law'} (${Date.now() - started} ms).`);
    fitProblems.set(analysis, result.problems);
    // The newest fit of a sweep with N and D is what open configs are judged against.
    if (configs.useFit(result)) for (const d of documents.all()) if (configs.analysis(d)) void publishConfig(d);
    if (analysis.sweep) result.panel.views.push(sweepRunsTable(analysis.sweep));
    if (!result.fits.some((f) => f.ok)) {
      // Nothing could be fitted: show why, above what the file holds.
      return { ...analysis.panel, messages: [...(result.panel.messages ?? []), ...(analysis.panel.messages ?? [])] };
    }
    return result.panel;
  }
  if (kind === 'tts' && analysis.kind === 'traces') {
    // Trace files with reference answers: their traces are the samples.
    const doc = documents.get(uri);
    let summary: FileTraceSummary | undefined;
    if (doc && analysis.format && traces.track(doc, analysis.format)) summary = await traces.summary(doc, token);
    else if (uri.startsWith('file:')) summary = await traces.summarizeFile(uri, { ...(await traceOptionsFor(uri)), reader: analysis.format?.replace(/^traces\//, '') }, token, report);
    // Kept on the cached analysis, so the planner's later requests find this state of the file.
    if (summary && summary.correctness.judged > 0) analysis.samples = samplesFromTraces(summary);
  }
  if ((kind === 'tts' || kind === 'plan') && analysis.samples) {
    const s = await getSettings();
    report(0.3, 'Estimating test-time scaling curves');
    const started = Date.now();
    const tts = await runTask<TestTimeAnalysis>(
      { task: 'testTime', sets: [analysis.samples], options: { target: s.tts.target, threshold: s.tts.threshold, resamples: s.tts.resamples, seed: s.tts.seed, cost: { prices: pricesForSamples([analysis.samples], (await traceOptionsFor(uri)).prices ?? [], s.tts.prices).prices } } },
      token,
      (fraction, message) => report(0.3 + 0.7 * fraction, message),
    );
    testTimeAnalyses.set(analysis, tts);
    connection.console.log(`Test-time scaling of ${displayName(uri)}: ${tts.configs.length} configurations, ${tts.candidates.length} candidates (${Date.now() - started} ms).`);
    return testTimePanel(tts);
  }
  if (kind === 'plan') return plannerPanel(uri);
  if (kind === 'trace' && (analysis.kind === 'traces' || analysis.kind === 'eval-samples' || analysis.kind === 'unknown')) {
    const doc = documents.get(uri);
    if (doc && analysis.kind === 'traces' && analysis.format) {
      traces.track(doc, analysis.format);
      if (line !== undefined) {
        const panel = await traces.tracePanel(doc, line);
        if (panel) return panel;
      }
      return fileSummaryPanel(await traces.summary(doc, token));
    }
    if (uri.startsWith('file:')) {
      // Not open: the file from disk on every core; eval-sample files that carry outputs read as traces too.
      const reader = analysis.format?.startsWith('traces/') ? analysis.format.slice('traces/'.length) : undefined;
      const summary = await traces.summarizeFile(uri, { ...(await traceOptionsFor(uri)), reader }, token, report);
      if (summary.records > 0) return fileSummaryPanel(summary);
    }
  }
  const note = NOT_YET[kind];
  return note ? { ...analysis.panel, messages: [{ severity: 'info', text: note }, ...(analysis.panel.messages ?? [])] } : analysis.panel;
}

/** Budget planners open per file (or folder), with the budget the user last chose. */
const planners = new Map<string, { ctx: PlannerContext; inputs: PlannerInputs }>();

async function plannerPanel(uri: string): Promise<PanelSpec> {
  await ensureWorkspaceLaws();
  const loss = configs.lossLaw;
  if (!loss) {
    return { title: 'Budget planner', views: [], messages: [{ severity: 'warning', text: 'No scaling law is fitted for this workspace: run "Scaling Lens: Fit Scaling Law" on a sweep with model sizes, tokens and losses (or open a folder that has one), then open the planner again.' }] };
  }
  const doc = documents.get(uri);
  const config = doc ? configs.analysis(doc) : null;
  const N = config?.plan.N.value;
  const D = config?.plan.D.value;
  const ctx: PlannerContext = { law: loss.law, fit: loss.fit, source: loss.source, plan: N && D ? { N, D, file: displayName(uri) } : undefined };
  const g = (await getSettings()).planner;
  const inputs = planners.get(uri)?.inputs ?? defaultPlannerInputs(ctx, { flopsPerSecond: g.gpuFlops, utilization: g.utilization, pricePerGpuHour: g.dollarsPerGpuHour });
  planners.set(uri, { ctx, inputs });
  return budgetPlannerPanel(ctx, inputs);
}

connection.onRequest(PanelRequest, async (params: PanelParams, token: CancellationToken): Promise<PanelResult> => {
  const progress = await connection.window.attachWorkDoneProgress(params.workDoneToken);
  progress.begin('Scaling Lens', 0, `Reading ${displayName(params.uri)}`, true);
  const started = Date.now();
  const report = (fraction: number, message: string) => progress.report(Math.round(fraction * 100), message);
  try {
    const open = documents.get(params.uri);
    // The training budget planner needs no file of its own: configs and folders open it too.
    if (params.kind === 'plan' && (!params.uri.startsWith('file:') || (open && configs.analysis(open)) || (await isFolder(params.uri)))) {
      const panel = await plannerPanel(params.uri);
      return { uri: params.uri, format: null, summary: 'budget planner', problemCount: 0, panel };
    }
    if (open && (/\.(ya?ml|toml|json)$/i.test(params.uri)) && configs.analysis(open)) {
      await ensureWorkspaceLaws();
      const panel = configs.panel(open);
      if (panel) return { uri: params.uri, format: 'training-config', summary: 'training config', problemCount: 0, panel };
    }
    const analysis = await cache.get(params.uri, await axesFor(params), { cancel: token, progress: (f, m) => report(f * 0.3, m) });
    if (!documents.get(params.uri)) pinned.add(params.uri);
    const panel = await panelFor(params.kind ?? 'file', params.uri, analysis, token, report, params.line);
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
  const planner = planners.get(params.uri);
  if (params.action === 'budget' && planner && params.values.apply) {
    const doc = documents.get(params.uri);
    const analysis = doc ? configs.analysis(doc) : null;
    const rec = plannerRecommendation(planner.ctx, planner.inputs);
    if (!doc || !analysis) return { views: [], message: 'Open the training config in an editor to apply the recommendation to it.' };
    if (rec.N.value === null || rec.budget.flops.value === null) return { views: [], message: 'The recommendation is undefined for this budget.' };
    const made = budgetEdits(analysis, rec.N.value, rec.budget.flops.value);
    if ('why' in made) return { views: [], message: `Cannot apply to ${displayName(params.uri)}: ${made.why}.` };
    const range = (r: { start: { line: number; column: number }; end: { line: number; column: number } }) => ({ start: { line: r.start.line, character: r.start.column }, end: { line: r.end.line, character: r.end.column } });
    return { views: [], edit: { uri: params.uri, title: made.action.title, edits: made.action.edits.map((e) => ({ range: range(e.range), newText: e.newText })) } };
  }
  if (params.action === 'budget' && planner) {
    const kind = (typeof params.values.kind === 'string' ? params.values.kind : planner.inputs.kind) as BudgetKind;
    const changedKind = kind !== planner.inputs.kind;
    const defaults: Record<BudgetKind, number> = { flops: Math.log10(6 * (planner.ctx.plan ? planner.ctx.plan.N * planner.ctx.plan.D : 1e21 / 6)), 'gpu-hours': 4, dollars: 5, 'target-loss': 2.5 };
    const value = changedKind ? defaults[kind] : Number(params.values.value ?? planner.inputs.value);
    planner.inputs = { ...planner.inputs, kind, value };
    const views = changedKind ? budgetPlannerPanel(planner.ctx, planner.inputs).views : plannerBudgetViews(planner.ctx, planner.inputs);
    connection.console.log(`Budget planner: ${kind} ${value} (${Date.now() - started} ms).`);
    return { views };
  }
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
  if (analysis.kind === 'traces') {
    const doc = await traceDoc(uri);
    if (!doc) return [];
    const summary = await traces.summary(doc);
    const t = summary.totals;
    const lenses: CodeLens[] = [{
      range: top,
      command: { title: `Summarise file: ${summary.records.toLocaleString('en-US')} traces, ${t.thinking.toLocaleString('en-US')} thinking tokens${t.dollars !== undefined ? `, $${t.dollars.toFixed(2)}` : ''}`, command: 'scalingLens.analyzeTraceFile', arguments: [uri] },
    }];
    // One lens per record stays readable up to a few thousand records.
    if (summary.rows.length <= 2000) {
      for (const r of summary.rows) lenses.push({ range: { start: { line: r.line - 1, character: 0 }, end: { line: r.line - 1, character: 0 } }, command: { title: 'Open trace', command: 'scalingLens.openTrace', arguments: [uri, r.line - 1] } });
    }
    return lenses;
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

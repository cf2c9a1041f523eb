import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CancellationToken, Connection, Hover, InlayHint, Range, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ProblemSink } from '../core/ingest/problem';
import { textSource } from '../core/ingest/source';
import { traceReaderById } from '../core/ingest/traces';
import type { TraceReader, TraceRecord } from '../core/ingest/traces/record';
import { hoverMarkdown, inlayText, toRow, TraceAnalyzer, tracePanel, type FileTraceSummary, type TraceOptions, type TraceRow } from '../core/traces';
import type { PanelSpec } from '../core/report/spec';
import { END_OF_LINE } from './diagnostics';
import { runTask } from './workerTasks';

/**
 * Trace files in the editor: a whole-file summary computed in a worker (diagnostics, lenses,
 * symbols, the status bar), and, for what must answer at once (inlay hints, hovers), analyses
 * of just the visible records on this thread, so a 100 MB file is usable before its summary is.
 */
interface DocState {
  version: number;
  reader: TraceReader;
  summary?: FileTraceSummary;
  pending?: Promise<FileTraceSummary>;
  /** Where each line starts, or null where the text has a lone CR (see linesOf). */
  lineStarts?: number[] | null;
}

/** Buffers past this size are never analysed whole on the server's own thread. */
const INLINE_LIMIT = 1 << 20;

/** Whether the file on disk is (by size) what the editor holds: then the worker may read it itself. */
function sameSize(doc: TextDocument): boolean {
  try {
    const bytes = statSync(fileURLToPath(doc.uri)).size;
    const chars = doc.getText().length;
    // UTF-8 takes one to four bytes a character: a size outside that range means another text.
    return bytes >= chars && bytes <= 4 * chars;
  } catch {
    return false;
  }
}

/** An open file's summary leaves one core to the editor: hints and hovers must not wait on it. */
const EDITOR_WORKERS = Math.max(1, availableParallelism() - 1);

/** Main-thread time for exact counts of visible records while the summary is still running. */
const VISIBLE_BUDGET_MS = 20;

/**
 * A record's size before it is counted: about 4 characters per token for English-like text,
 * shown with `~` (countsFrom `estimated`) and replaced when the summary's exact counts arrive.
 */
function estimatedRow(r: TraceRecord): TraceRow {
  const est = (t: string) => Math.ceil(t.length / 4);
  const thinking = est(r.thinking);
  const answer = est(r.answer);
  const toolCalls = r.toolCalls.reduce((n, c) => n + est(c.input), 0);
  return {
    id: r.id,
    index: r.index,
    line: r.line,
    endLine: r.endLine,
    byteStart: r.byteStart,
    byteEnd: r.byteEnd,
    model: r.model,
    problemId: r.problemId,
    tokenizer: 'estimate (counting…)',
    exact: false,
    countsFrom: 'estimated',
    thinking,
    answer,
    toolCalls,
    total: thinking + answer + toolCalls,
    thinkingKind: r.thinkingKind,
    truncated: r.truncated,
    unclosedThink: r.unclosedThink,
    finishReason: r.finishReason,
    steps: 0,
    markers: 0,
    markersByKind: {},
    markerRate: 0,
  };
}

/**
 * Lines [from, to) of the document's text. TextDocument finds line starts by walking every
 * character, ~0.2–0.3 s on a 100 MB file the first time a line is asked for; String#indexOf
 * finds the ~10,000 line ends of such a file in ~10 ms. Only with a lone CR (a line break to
 * LSP, but no end of a JSONL record) does it defer to TextDocument.
 */
function linesOf(doc: TextDocument, state: DocState, from: number, to: number): string {
  const text = doc.getText();
  if (state.lineStarts === undefined) state.lineStarts = lineStarts(text);
  const starts = state.lineStarts;
  if (!starts) return doc.getText({ start: { line: from, character: 0 }, end: { line: to, character: 0 } });
  return sliceLines(text, starts, from, to);
}

/** Lines [from, to) of `text` by its line starts; lines past the end are empty, as TextDocument has them. */
export function sliceLines(text: string, starts: readonly number[], from: number, to: number): string {
  return text.slice(from < starts.length ? starts[from] : text.length, to < starts.length ? starts[to] : text.length);
}

export function lineStarts(text: string): number[] | null {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return null;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export class TraceService {
  private readonly docs = new Map<string, DocState>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly options: (uri: string) => Promise<TraceOptions>,
    private readonly displayName: (uri: string) => string,
  ) {}

  /** Marks a document as a trace file read by `readerId` (the registry decided). */
  track(doc: TextDocument, readerId: string): DocState | undefined {
    const reader = traceReaderById(readerId.replace(/^traces\//, ''));
    if (!reader) return undefined;
    let state = this.docs.get(doc.uri);
    if (!state || state.version !== doc.version || state.reader !== reader) {
      state = { version: doc.version, reader };
      this.docs.set(doc.uri, state);
    }
    return state;
  }

  forget(uri: string): void {
    this.docs.delete(uri);
  }

  /** Recompute everything (settings or the file's tokenizer changed). */
  reset(): void {
    this.docs.clear();
  }

  state(uri: string): DocState | undefined {
    const doc = this.documents.get(uri);
    const s = this.docs.get(uri);
    return doc && s && s.version === doc.version ? s : undefined;
  }

  /** The whole-file summary, in a worker; shared by everything that asks for this version. */
  summary(doc: TextDocument, token?: CancellationToken): Promise<FileTraceSummary> {
    const state = this.docs.get(doc.uri);
    if (!state) return Promise.reject(new Error(`${this.displayName(doc.uri)} is not a trace file`));
    if (state.summary) return Promise.resolve(state.summary);
    if (!state.pending) {
      state.pending = (async () => {
        const options = { ...(await this.options(doc.uri)), reader: state.reader.id };
        // An unedited buffer is the file on disk: the worker reads the file itself (on every
        // core) instead of receiving a copy of a 100 MB string through this thread.
        const cancel = token ?? { isCancellationRequested: false };
        const name = this.displayName(doc.uri);
        const fromDisk = doc.version === 1 && doc.uri.startsWith('file:') && state.reader.lineIndependent === true && sameSize(doc);
        const summary = fromDisk
          ? await runTask<FileTraceSummary>({ task: 'traceSummary', name, path: fileURLToPath(doc.uri), options, workers: EDITOR_WORKERS }, cancel).catch(() => runTask<FileTraceSummary>({ task: 'traceSummary', name, text: doc.getText(), options }, cancel))
          : await runTask<FileTraceSummary>({ task: 'traceSummary', name, text: doc.getText(), options }, cancel);
        state.summary = summary;
        return summary;
      })();
      state.pending.catch(() => (state.pending = undefined));
    }
    return state.pending;
  }

  /** Records whose first line lies in `range`: from the summary when ready, else analysed now. */
  async rowsIn(doc: TextDocument, range: Range): Promise<TraceRow[]> {
    const state = this.state(doc.uri);
    if (!state) return [];
    const first = range.start.line + 1;
    const last = range.end.line + 1;
    if (state.summary) return state.summary.rows.filter((r) => r.line >= first && r.line <= last);
    // Small buffers: the summary is quick, wait for it rather than analyse twice.
    if (!state.reader.lineIndependent || doc.getText().length <= INLINE_LIMIT) {
      return (await this.summary(doc)).rows.filter((r) => r.line >= first && r.line <= last);
    }
    // One record per line: the visible lines alone are a valid file of records. Counting is
    // exact within a time budget; past it, records get a marked estimate until the summary
    // (which refreshes the hints) arrives, so the editor never waits on a long viewport.
    const text = linesOf(doc, state, range.start.line, range.end.line + 1);
    const shift = range.start.line;
    const analyzer = new TraceAnalyzer({ ...(await this.options(doc.uri)), detail: 'summary' });
    const sink = new ProblemSink(this.displayName(doc.uri));
    const started = performance.now();
    const rows: TraceRow[] = [];
    for await (const record of state.reader.read(textSource(this.displayName(doc.uri), text), sink)) {
      const row = performance.now() - started < VISIBLE_BUDGET_MS ? toRow(analyzer.analyze(record)) : estimatedRow(record);
      rows.push({ ...row, line: row.line + shift, endLine: row.endLine + shift });
    }
    return rows;
  }

  async inlayHints(doc: TextDocument, range: Range): Promise<InlayHint[]> {
    const rows = await this.rowsIn(doc, range);
    return rows.map((r) => ({
      position: { line: r.line - 1, character: 0 },
      label: `${inlayText(r)} `,
      paddingRight: true,
      tooltip: `${r.id}: ${r.tokenizer}${r.exact ? '' : ' (estimate)'}${r.priceRow ? `; price row ${r.priceRow}` : ''}`,
    }));
  }

  /** The full analysis of the record under the cursor (steps, markers, overthinking). */
  async recordAt(doc: TextDocument, line: number): Promise<{ row: TraceRow; analysis: ReturnType<TraceAnalyzer['analyze']> } | undefined> {
    const state = this.state(doc.uri);
    if (!state) return undefined;
    const rows = state.summary ? state.summary.rows : await this.rowsIn(doc, { start: { line, character: 0 }, end: { line, character: 0 } });
    const row = rows.find((r) => r.line - 1 <= line && line <= r.endLine - 1);
    if (!row) return undefined;
    const options = await this.options(doc.uri);
    // A record on its own lines reads on its own; other layouts (one JSON document) are read whole.
    const text = state.reader.lineIndependent ? linesOf(doc, state, row.line - 1, row.endLine) : doc.getText();
    const sink = new ProblemSink(this.displayName(doc.uri));
    const analyzer = new TraceAnalyzer({ ...options, detail: 'full' });
    for await (const record of state.reader.read(textSource(this.displayName(doc.uri), text), sink)) {
      if (!state.reader.lineIndependent && record.index !== row.index) continue;
      const analysis = analyzer.analyze(record);
      const shift = state.reader.lineIndependent ? row.line - 1 : 0;
      return { row, analysis: { ...analysis, line: analysis.line + shift, endLine: analysis.endLine + shift } };
    }
    return undefined;
  }

  async hover(doc: TextDocument, line: number): Promise<Hover | undefined> {
    const found = await this.recordAt(doc, line);
    if (!found) return undefined;
    return {
      contents: { kind: 'markdown', value: hoverMarkdown(found.analysis) },
      range: { start: { line: found.row.line - 1, character: 0 }, end: { line: found.row.endLine - 1, character: END_OF_LINE } },
    };
  }

  async tracePanel(doc: TextDocument, line: number): Promise<PanelSpec | undefined> {
    const found = await this.recordAt(doc, line);
    return found ? tracePanel(found.analysis, this.displayName(doc.uri)) : undefined;
  }

  /** For files not open in an editor: the summary on every core, read from disk. */
  summarizeFile(uri: string, options: TraceOptions & { reader?: string }, token: CancellationToken, progress: (f: number, m: string) => void): Promise<FileTraceSummary> {
    return runTask<FileTraceSummary>({ task: 'traceSummary', name: this.displayName(uri), path: fileURLToPath(uri), options }, token, progress);
  }
}

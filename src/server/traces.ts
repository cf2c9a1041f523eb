import { fileURLToPath } from 'node:url';
import type { CancellationToken, Connection, Hover, InlayHint, Range, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ProblemSink } from '../core/ingest/problem';
import { textSource } from '../core/ingest/source';
import { traceReaderById } from '../core/ingest/traces';
import type { TraceReader } from '../core/ingest/traces/record';
import { analyzeSource, hoverMarkdown, inlayText, TraceAnalyzer, tracePanel, type FileTraceSummary, type TraceOptions, type TraceRow } from '../core/traces';
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
}

/** Buffers past this size are never analysed whole on the server's own thread. */
const INLINE_LIMIT = 1 << 20;

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
        const summary = await runTask<FileTraceSummary>({ task: 'traceSummary', name: this.displayName(doc.uri), text: doc.getText(), options }, token ?? { isCancellationRequested: false });
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
    // One record per line: the visible lines alone are a valid file of records.
    const text = doc.getText({ start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } });
    const result = await analyzeSource(textSource(this.displayName(doc.uri), text), state.reader, await this.options(doc.uri));
    const shift = range.start.line;
    return result.rows.map((r) => ({ ...r, line: r.line + shift, endLine: r.endLine + shift }));
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
    const text = state.reader.lineIndependent ? doc.getText({ start: { line: row.line - 1, character: 0 }, end: { line: row.endLine, character: 0 } }) : doc.getText();
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

import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeFolder, analyzePath, analyzeSource, type FileAnalysis } from '../core/analysis';
import { textSource, type TextSource } from '../core/ingest/source';
import type { AxisChoice } from '../core/report/runLogPanel';
import type { WorkOptions } from '../core/work';

/**
 * Analyses per document, keyed by URI and version (open buffers) or modification time (files on
 * disk), so hovers, panels and diagnostics for one state of a file share one analysis.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, { key: string; analysis: FileAnalysis }>();

  constructor(private readonly documents: TextDocuments<TextDocument>, private readonly displayName: (uri: string) => string) {}

  async get(uri: string, axes: AxisChoice, work: WorkOptions = {}): Promise<FileAnalysis> {
    const doc = this.documents.get(uri);
    const axesKey = `${axes.x ?? ''}\u0000${axes.y ?? ''}`;
    let source: TextSource;
    let key: string;
    if (doc) {
      source = textSource(this.displayName(uri), doc.getText(), uri.startsWith('file:') ? fileURLToPath(uri) : undefined);
      key = `v${doc.version}\u0000${axesKey}`;
    } else {
      const path = fileURLToPath(uri);
      const st = await stat(path);
      // A folder of runs is read afresh each time: its files change without the folder's mtime changing.
      if (st.isDirectory()) return analyzeFolder(path, this.displayName(uri), work);
      key = `m${st.mtimeMs}:${st.size}\u0000${axesKey}`;
      const hit = this.entries.get(uri);
      if (hit && hit.key === key) return hit.analysis;
      const analysis = await analyzePath(path, this.displayName(uri), { ...work, axes });
      this.entries.set(uri, { key, analysis });
      return analysis;
    }
    const hit = this.entries.get(uri);
    if (hit && hit.key === key) return hit.analysis;
    const analysis = await analyzeSource(source, { ...work, axes, deferTraces: true });
    this.entries.set(uri, { key, analysis });
    return analysis;
  }

  drop(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}

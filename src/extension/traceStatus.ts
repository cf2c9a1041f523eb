import * as vscode from 'vscode';
import { FileTraceOptionsNotification, TraceChoicesRequest, TraceTotalsNotification, type FileTraceOptions, type TraceTotals } from '../protocol/lsp';
import type { Ctx } from './ctx';

const STATE_KEY = 'scalingLens.fileTraceOptions';

/**
 * The status-bar item of trace files: the file's totals, and a click to choose its tokenizer and
 * price row. Choices are kept per workspace and given back to the server after each restart.
 */
export class TraceStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('scalingLens.traceTotals', vscode.StatusBarAlignment.Right, 100);
  private readonly totals = new Map<string, TraceTotals>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx, private readonly state: vscode.Memento) {
    this.item.name = 'Scaling Lens: trace file totals';
    this.item.command = 'scalingLens.chooseTraceTokenizer';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      ctx.onServerStatus(() => this.attach()),
    );
  }

  /** Called when a (re)started client is ready: listen to it and restore the file choices. */
  private attach(): void {
    const client = this.ctx.languageClient;
    if (!client) return;
    client.onNotification(TraceTotalsNotification, (t) => {
      this.totals.set(t.uri, t);
      this.update();
    });
    for (const o of Object.values(this.state.get<Record<string, FileTraceOptions>>(STATE_KEY, {}))) void client.sendNotification(FileTraceOptionsNotification, o);
  }

  private update(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const t = uri ? this.totals.get(uri) : undefined;
    if (!t) {
      this.item.hide();
      return;
    }
    this.item.text = `$(symbol-number) ${t.text}`;
    this.item.tooltip = t.tooltip;
    this.item.show();
  }

  async choose(): Promise<void> {
    const client = this.ctx.languageClient;
    const doc = vscode.window.activeTextEditor?.document;
    if (!client || !doc) return;
    const uri = doc.uri.toString();
    const choices = await client.sendRequest(TraceChoicesRequest, { uri });
    const saved = this.state.get<Record<string, FileTraceOptions>>(STATE_KEY, {});
    const current = saved[uri];
    const auto = { label: 'From each record\'s model', description: 'the model table (scalingLens.traces.modelRules first)', id: null as string | null };
    const tokenizer = await vscode.window.showQuickPick([auto, ...choices.tokenizers.map((t) => ({ label: t.id, description: t.title, id: t.id as string | null }))], {
      title: `Tokenizer for ${vscode.workspace.asRelativePath(doc.uri)}`,
      placeHolder: current?.tokenizer ? `now: ${current.tokenizer}` : 'now: from each record\'s model',
    });
    if (!tokenizer) return;
    const autoPrice = { label: 'From each record\'s model', description: 'the price table (scalingLens.traces.prices first)', id: null as string | null };
    const price = await vscode.window.showQuickPick([autoPrice, ...choices.priceRows.map((r) => ({ label: r.id, description: r.provider, detail: r.note, id: r.id as string | null }))], {
      title: `Price row for ${vscode.workspace.asRelativePath(doc.uri)}`,
      placeHolder: current?.priceRow ? `now: ${current.priceRow}` : 'now: from each record\'s model',
    });
    if (!price) return;
    const options: FileTraceOptions = { uri, tokenizer: tokenizer.id, priceRow: price.id };
    await this.state.update(STATE_KEY, { ...saved, [uri]: options });
    await client.sendNotification(FileTraceOptionsNotification, options);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

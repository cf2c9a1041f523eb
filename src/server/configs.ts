import type { CodeAction, Connection, Diagnostic, Hover, Range as LspRange, TextDocuments } from 'vscode-languageserver/node';
import { CodeActionKind, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeConfig, configCodeActions, configDiagnostics, configFormatOf, configPanel, hoverAt, isTrainingConfig, type ConfigAnalysis, type ConfigLaws } from '../core/config';
import type { FitSuccess } from '../core/fit';
import { findLaw } from '../core/laws/registry';
import type { PanelSpec } from '../core/report/spec';
import type { TrainingFitResult } from '../core/report/trainingFit';

/**
 * Training configs (YAML / JSON / TOML) in the editor: what the laws fitted for this workspace
 * predict for the plan in the file, as hovers on its keys, information diagnostics, code
 * actions that set the recommended values, and a side-panel chart of the plan on the frontier.
 */
export class ConfigService {
  private readonly analyses = new Map<string, { version: number; lawsKey: number; analysis: ConfigAnalysis | null }>();
  private laws: ConfigLaws = {};
  private lawsKey = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly displayName: (uri: string) => string,
  ) {}

  /** Laws from a training fit (the latest "Fit Scaling Law" of a sweep with N and D). */
  useFit(result: TrainingFitResult): boolean {
    const fit = result.fits.find((f): f is FitSuccess => f.ok && f.law === result.law) ?? result.fits.find((f): f is FitSuccess => f.ok && f.law === 'chinchilla');
    const law = fit ? findLaw(fit.law) : undefined;
    if (!fit || !law || !law.variables.some((v) => v.name === 'N') || !law.variables.some((v) => v.name === 'D')) return false;
    this.laws = { ...this.laws, loss: { law, fit, source: result.file } };
    this.lawsKey++;
    return true;
  }

  get hasLossLaw(): boolean {
    return !!this.laws.loss;
  }

  /** The loss law the workspace's configs are judged against, if any. */
  get lossLaw(): ConfigLaws['loss'] {
    return this.laws.loss;
  }

  /** The config analysis of an open document, or null when it is not a training config. */
  analysis(doc: TextDocument): ConfigAnalysis | null {
    const format = configFormatOf(doc.uri);
    if (!format) return null;
    const hit = this.analyses.get(doc.uri);
    if (hit && hit.version === doc.version && hit.lawsKey === this.lawsKey) return hit.analysis;
    let analysis: ConfigAnalysis | null = null;
    try {
      const a = analyzeConfig(doc.getText(), format, { laws: this.laws });
      analysis = isTrainingConfig(a.plan) ? a : null;
    } catch (e) {
      this.connection.console.warn(`Config ${this.displayName(doc.uri)}: ${(e as Error).message}`);
    }
    this.analyses.set(doc.uri, { version: doc.version, lawsKey: this.lawsKey, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
  }

  diagnostics(doc: TextDocument): Diagnostic[] | null {
    const a = this.analysis(doc);
    if (!a) return null;
    return configDiagnostics(a, this.displayName(doc.uri)).map((p) => ({
      range: { start: { line: p.range.start.line, character: p.range.start.column }, end: { line: p.range.end.line, character: p.range.end.column } },
      severity: p.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'Scaling Lens',
      code: p.code,
      message: p.message,
    }));
  }

  hover(doc: TextDocument, offset: number): Hover | undefined {
    const a = this.analysis(doc);
    const h = a ? hoverAt(a, offset) : undefined;
    if (!h) return undefined;
    return {
      contents: { kind: 'markdown', value: h.markdown },
      range: { start: { line: h.range.start.line, character: h.range.start.column }, end: { line: h.range.end.line, character: h.range.end.column } },
    };
  }

  codeActions(doc: TextDocument, range: LspRange, diagnostics: Diagnostic[]): CodeAction[] {
    const a = this.analysis(doc);
    if (!a) return [];
    // Offer what concerns any key on the lines of the selection, not only under the cursor.
    const start = doc.offsetAt({ line: range.start.line, character: 0 });
    const end = doc.offsetAt({ line: range.end.line + 1, character: 0 }) - 1;
    const toRange = (r: { start: { line: number; column: number }; end: { line: number; column: number } }) => ({ start: { line: r.start.line, character: r.start.column }, end: { line: r.end.line, character: r.end.column } });
    return configCodeActions(a, { start: { offset: start, line: range.start.line, column: 0 }, end: { offset: end, line: range.end.line, column: Math.max(0, end - doc.offsetAt({ line: range.end.line, character: 0 })) } }).map((x) => ({
      title: x.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: diagnostics.filter((d) => x.fixes.includes(String(d.code))),
      edit: { changes: { [doc.uri]: x.edits.map((e) => ({ range: toRange(e.range), newText: e.newText })) } },
      ...(x.disabled ? { disabled: { reason: x.disabled } } : {}),
    }));
  }

  panel(doc: TextDocument): PanelSpec | null {
    const a = this.analysis(doc);
    if (!a) return null;
    const panel = configPanel(a, { source: this.displayName(doc.uri) });
    if (!this.laws.loss) {
      panel.messages = [{ severity: 'info', text: 'No scaling law fitted for this workspace yet: run "Scaling Lens: Fit Scaling Law" on a sweep with model sizes and tokens, and the plan is placed on its frontier.' }, ...(panel.messages ?? [])];
    }
    return panel;
  }
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblem } from '../core/ingest/problem';
import { combinePanels } from '../core/report/combine';
import type { AxisChoice } from '../core/report/runLogPanel';
import type { PanelSpec } from '../core/report/spec';
import type { HostToWebview } from '../protocol/webview';
import { webviewHtml } from '../../webview/html';
import { EXIT, UsageError } from './exit';
import { analyzePaths, hasErrors } from './inputs';

/** The report embeds the same webview bundle the editor panels use, so it needs no network. */
function asset(...parts: string[]): string {
  return readFileSync(join(__dirname, ...parts), 'utf8');
}

/** A self-contained page showing one panel spec, as the editor's panels show it. */
export async function writeHtmlReport(output: string, spec: PanelSpec): Promise<void> {
  const message: HostToWebview = { type: 'render', spec };
  const html = webviewHtml({
    nonce: randomBytes(18).toString('base64'),
    script: { inline: asset('webview.js') },
    style: { inline: asset('..', 'media', 'webview.css') },
    title: spec.title,
    data: message,
  });
  await writeFile(output, html);
}

export async function reportCommand(paths: string[], options: { output?: string; axes: AxisChoice }): Promise<number> {
  if (!options.output) throw new UsageError('report needs -o FILE.html');
  const analyses = await analyzePaths(paths, options.axes);
  const read = analyses.filter((a) => a.kind !== 'unknown');
  const spec = combinePanels(read.length === 1 ? `Scaling Lens: ${read[0].file}` : 'Scaling Lens report', read.map((a) => a.panel));
  await writeHtmlReport(options.output, spec);
  for (const p of analyses.flatMap((a) => a.problems)) process.stderr.write(formatProblem(p) + '\n');
  const charts = spec.views.filter((v) => v.kind === 'chart').length;
  process.stdout.write(`Wrote ${options.output}: ${charts} chart${charts === 1 ? '' : 's'} from ${read.length} file${read.length === 1 ? '' : 's'}.\n`);
  return hasErrors(analyses) ? EXIT.problems : EXIT.ok;
}

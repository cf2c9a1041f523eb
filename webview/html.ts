/**
 * The HTML shell of every Scaling Lens webview: panels, the side view, and the self-contained
 * HTML report. One strict Content-Security-Policy for all of them: nothing loads from the
 * network, and only scripts carrying this page's nonce run.
 */
export type Asset = { uri: string } | { inline: string };

export interface WebviewHtmlOptions {
  /** A fresh random nonce per page load (base64 or hex). */
  nonce: string;
  /** `webview.cspSource` inside VS Code; absent for the standalone report. */
  cspSource?: string;
  script: Asset;
  style: Asset;
  title: string;
  /** Data embedded in the page for hosts that cannot post messages (the HTML report). */
  data?: unknown;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that can sit inside a <script> element without ending it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(nonce: string, cspSource?: string): string {
  const src = cspSource ? ` ${cspSource}` : '';
  return [
    "default-src 'none'",
    `img-src${src} data: blob:`,
    `style-src${src} 'nonce-${nonce}'`,
    `font-src${src}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const n = escapeHtml(o.nonce);
  const style = 'uri' in o.style
    ? `<link rel="stylesheet" nonce="${n}" href="${escapeHtml(o.style.uri)}">`
    : `<style nonce="${n}">${o.style.inline.replace(/<\/style/gi, '<\\/style')}</style>`;
  const script = 'uri' in o.script
    ? `<script nonce="${n}" src="${escapeHtml(o.script.uri)}"></script>`
    : `<script nonce="${n}">${o.script.inline.replace(/<\/script/gi, '<\\/script')}</script>`;
  const data = o.data === undefined ? '' : `<script type="application/json" id="scaling-lens-data">${jsonForScript(o.data)}</script>\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.nonce, o.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
${style}
</head>
<body>
<main id="app" aria-live="polite"><p class="status">Loading…</p></main>
${data}${script}
</body>
</html>
`;
}

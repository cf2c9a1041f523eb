import type { HostToWebview, WebviewState, WebviewToHost } from '../src/protocol/webview';

/**
 * The page's link to whoever hosts it: VS Code (through acquireVsCodeApi) or nobody, for the
 * standalone HTML report, whose specs are embedded in the page and whose exports download.
 */
export interface Host {
  readonly standalone: boolean;
  post(message: WebviewToHost): void;
  onMessage(handler: (message: HostToWebview) => void): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function connectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      onMessage: (h) => window.addEventListener('message', (e: MessageEvent) => h(e.data as HostToWebview)),
      getState: () => api.getState() as WebviewState | undefined,
      setState: (s) => api.setState(s),
    };
  }
  let state: WebviewState | undefined;
  const handlers: ((m: HostToWebview) => void)[] = [];
  return {
    standalone: true,
    post: (m) => {
      if (m.type === 'export') download(m.suggestedName, m.format, m.data);
      // Tests of the standalone page listen for these.
      window.dispatchEvent(new CustomEvent('scaling-lens-message', { detail: m }));
    },
    onMessage: (h) => {
      handlers.push(h);
      const el = document.getElementById('scaling-lens-data');
      if (el?.textContent) {
        const data = JSON.parse(el.textContent) as HostToWebview;
        queueMicrotask(() => h(data));
      }
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

const MIME: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', csv: 'text/csv', json: 'application/json' };

function download(name: string, format: string, data: string): void {
  const bytes = format === 'png' ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(data);
  const url = URL.createObjectURL(new Blob([bytes], { type: MIME[format] ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

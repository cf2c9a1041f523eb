import type { Chart } from 'chart.js';
import type { ChartSpec, ControlSpec, FormulaSpec, PanelSpec, TableSpec, ViewSpec } from '../src/protocol/spec';
import type { ExportFormat, HostToWebview, ScaleMode } from '../src/protocol/webview';
import { drawChart } from './chart';
import { connectHost } from './host';
import { axisScales, modeOf } from './scales';
import { chartToCsv, chartToSvg, PAPER_THEME } from './svg';
import { readTheme, type Theme } from './theme';

/**
 * Renders panel specs. Everything shown comes from the spec and is set as text, never parsed
 * as HTML: the strings come from users' logs and traces.
 */
const host = connectHost();
const app = document.getElementById('app')!;
/** The panel shown, the default scales the host asked for, and the user's choice per chart. */
let current: { spec: PanelSpec; scale?: ScaleMode; chosen: Record<string, ScaleMode> } | undefined;
/** Each view's element and, for charts, its Chart.js instance: patches replace them in place. */
const views = new Map<string, { element: HTMLElement; chart?: Chart }>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.appendChild(c);
  return e;
}

function clear(): void {
  for (const v of views.values()) v.chart?.destroy();
  views.clear();
  app.replaceChildren();
}

function status(text: string, className = 'status'): void {
  clear();
  app.appendChild(el('p', { className, text }));
}

const SCALE_LABELS: [ScaleMode, string][] = [
  ['log-log', 'log–log'],
  ['log-x', 'log x'],
  ['log-y', 'log y'],
  ['linear', 'linear'],
];

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
}

function render(spec: PanelSpec, scale?: ScaleMode, chosen: Record<string, ScaleMode> = {}): void {
  clear();
  current = { spec, scale, chosen };
  host.setState({ ...(host.getState() ?? {}), spec, scale, chosen });
  const theme = readTheme();
  const header = el('header', {}, el('h1', { text: spec.title }));
  if (spec.source) {
    const src = el('button', { className: 'link', text: spec.source, attrs: { type: 'button', title: 'Open the source file' } });
    src.addEventListener('click', () => host.post({ type: 'openSource', file: spec.source! }));
    header.appendChild(src);
  }
  app.appendChild(header);
  if (spec.messages?.length) {
    const list = el('ul', { className: 'messages' });
    for (const m of spec.messages) list.appendChild(el('li', { className: `message ${m.severity}`, text: m.text }));
    app.appendChild(list);
  }
  if (spec.views.length > contentsAfter) app.appendChild(contents(spec.views));
  const drawn: { id: string; points: number }[] = [];
  for (const view of spec.views) {
    const placed = placeView(view, chosen[view.id] ?? scale, theme, (e) => app.appendChild(e));
    if (placed) drawn.push(placed);
  }
  if (spec.views.length === 0 && !spec.messages?.length) app.appendChild(el('p', { className: 'status', text: 'Nothing to show for this file.' }));
  // Charts lay out on the next frame; report once they have.
  requestAnimationFrame(() => host.post({ type: 'rendered', charts: drawn }));
}

/** Panels with more views than this open with a list of them: a test-time panel has ~30. */
const contentsAfter = 6;

/** A list of the panel's views; each entry scrolls to its view and moves the focus there. */
function contents(list: readonly ViewSpec[]): HTMLElement {
  const nav = el('nav', { className: 'contents', attrs: { 'aria-label': 'Contents' } });
  const details = el('details', {}, el('summary', { text: `Contents (${list.length} views)` }));
  const ol = el('ol');
  for (const view of list) {
    const b = el('button', { className: 'link', text: view.title, attrs: { type: 'button' } });
    b.addEventListener('click', () => {
      // Looked up at click time: a patch may have replaced the view's element.
      const target = views.get(view.id)?.element;
      const heading = target?.querySelector('h2');
      if (!target || !heading) return;
      heading.setAttribute('tabindex', '-1');
      target.scrollIntoView({ block: 'start' });
      heading.focus({ preventScroll: true });
    });
    ol.appendChild(el('li', {}, b));
  }
  details.appendChild(ol);
  nav.appendChild(details);
  return nav;
}

/** Builds a view, puts it where `attach` says, and draws its chart once it is in the page. */
function placeView(view: ViewSpec, scale: ScaleMode | undefined, theme: Theme, attach: (e: HTMLElement) => void): { id: string; points: number } | undefined {
  if (view.kind === 'chart') {
    const { element, canvas } = chartSection(view, scale);
    attach(element);
    const { chart, points } = drawChart(canvas, view, scale, theme);
    views.set(view.id, { element, chart });
    return { id: view.id, points };
  }
  const element = view.kind === 'table' ? renderTable(view) : view.kind === 'formula' ? renderFormula(view) : renderControl(view);
  attach(element);
  views.set(view.id, { element });
  return undefined;
}

/** Replaces views by id, leaving the rest of the panel (and its scroll position) alone. */
function patch(updated: ViewSpec[]): void {
  if (!current) return;
  const started = performance.now();
  const theme = readTheme();
  for (const view of updated) {
    const old = views.get(view.id);
    const i = current.spec.views.findIndex((v) => v.id === view.id);
    if (!old || i < 0) continue;
    old.chart?.destroy();
    current.spec.views[i] = view;
    placeView(view, current.chosen[view.id] ?? current.scale, theme, (e) => old.element.replaceWith(e));
  }
  host.setState({ ...(host.getState() ?? {}), spec: current.spec });
  requestAnimationFrame(() => host.post({ type: 'patched', ids: updated.map((v) => v.id), ms: performance.now() - started }));
}

function chartSection(spec: ChartSpec, scale: ScaleMode | undefined): { element: HTMLElement; canvas: HTMLCanvasElement } {
  const section = el('section', { className: 'view chart', attrs: { 'aria-label': spec.title } });
  section.appendChild(el('h2', { text: spec.title }));
  if (spec.subtitle) section.appendChild(el('p', { className: 'subtitle', text: spec.subtitle }));
  const toolbar = el('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': `${spec.title} options` } });
  const effective = axisScales(spec, scale);
  const select = el('select', { attrs: { 'aria-label': 'Axis scales', title: 'Axis scales' } });
  for (const [mode, label] of SCALE_LABELS) {
    const o = el('option', { text: label, attrs: { value: mode } });
    if (mode === modeOf(effective.x, effective.y)) o.selected = true;
    select.appendChild(o);
  }
  select.addEventListener('change', () => {
    const mode = select.value as ScaleMode;
    host.post({ type: 'scaleChanged', chartId: spec.id, scale: mode });
    if (current) {
      current.chosen[spec.id] = mode;
      host.setState({ ...(host.getState() ?? {}), chosen: current.chosen });
      patch([spec]);
    }
  });
  toolbar.appendChild(el('label', { text: 'Axes ' }, select));
  for (const format of ['png', 'svg', 'csv', 'json'] as ExportFormat[]) {
    const b = el('button', { text: format.toUpperCase(), attrs: { type: 'button', title: `Export this chart as ${format.toUpperCase()}` } });
    b.addEventListener('click', () => exportChart(spec, format, scale));
    toolbar.appendChild(b);
  }
  section.appendChild(toolbar);
  const box = el('div', { className: 'canvas-box' });
  const canvas = el('canvas', { attrs: { role: 'img', tabindex: '0', 'aria-label': `${spec.title}: ${spec.y.label} against ${spec.x.label}` } });
  box.appendChild(canvas);
  section.appendChild(box);
  if (spec.notes?.length) {
    const notes = el('ul', { className: 'notes' });
    for (const n of spec.notes) notes.appendChild(el('li', { text: n }));
    section.appendChild(notes);
  }
  return { element: section, canvas };
}

function renderTable(spec: TableSpec): HTMLElement {
  const section = el('section', { className: 'view table', attrs: { 'aria-label': spec.title } });
  section.appendChild(el('h2', { text: spec.title }));
  const table = el('table');
  const head = el('tr');
  for (const c of spec.columns) head.appendChild(el('th', { text: c, attrs: { scope: 'col' } }));
  table.appendChild(el('thead', {}, head));
  const body = el('tbody');
  for (const row of spec.rows) {
    const tr = el('tr');
    for (const cell of row) tr.appendChild(el('td', { text: cell === null ? '' : typeof cell === 'number' ? formatNumber(cell) : cell, className: typeof cell === 'number' ? 'num' : '' }));
    body.appendChild(tr);
  }
  table.appendChild(body);
  section.appendChild(table);
  return section;
}

function renderFormula(spec: FormulaSpec): HTMLElement {
  const section = el('section', { className: 'view formula', attrs: { 'aria-label': spec.title } });
  section.appendChild(el('h2', { text: spec.title }));
  section.appendChild(el('pre', { className: 'formula-text', text: spec.text }));
  const copy = el('button', { text: 'Copy LaTeX', attrs: { type: 'button', title: 'Copy the formula with fitted values as LaTeX' } });
  copy.addEventListener('click', () => {
    if (host.standalone) void navigator.clipboard?.writeText(spec.latex);
    host.post({ type: 'copy', text: spec.latex, what: `${spec.title} as LaTeX` });
  });
  section.appendChild(el('div', { className: 'toolbar' }, copy));
  return section;
}

/** Sliders and selects whose values go to the host, which answers with a patch. */
function renderControl(spec: ControlSpec): HTMLElement {
  const section = el('section', { className: 'view control', attrs: { 'aria-label': spec.title } });
  section.appendChild(el('h2', { text: spec.title }));
  const row = el('div', { className: 'toolbar' });
  const values: Record<string, number | string> = {};
  let pending: number | undefined;
  // Coalesce a drag's input events to one request per frame.
  const send = () => {
    if (pending !== undefined) return;
    pending = requestAnimationFrame(() => {
      pending = undefined;
      host.post({ type: 'control', action: spec.action, values: { ...values } });
    });
  };
  for (const c of spec.controls) {
    if (c.type === 'button') {
      const b = el('button', { text: c.label, attrs: { type: 'button', title: c.title ?? c.label } });
      b.addEventListener('click', () => host.post({ type: 'control', action: spec.action, values: { ...values, [c.id]: 1 } }));
      row.appendChild(b);
      continue;
    }
    values[c.id] = c.value;
    if (c.type === 'range') {
      const shown = el('output', { text: formatControl(c.value, c.format) });
      const input = el('input', { attrs: { type: 'range', min: String(c.min), max: String(c.max), step: String(c.step), value: String(c.value), 'aria-label': c.label } });
      input.addEventListener('input', () => {
        values[c.id] = Number(input.value);
        shown.textContent = formatControl(Number(input.value), c.format);
        send();
      });
      row.appendChild(el('label', { text: `${c.label} ` }, input, shown));
    } else {
      const select = el('select', { attrs: { 'aria-label': c.label } });
      for (const o of c.options) {
        const opt = el('option', { text: o.label, attrs: { value: o.value } });
        if (o.value === c.value) opt.selected = true;
        select.appendChild(opt);
      }
      select.addEventListener('change', () => {
        values[c.id] = select.value;
        send();
      });
      row.appendChild(el('label', { text: `${c.label} ` }, select));
    }
  }
  section.appendChild(row);
  return section;
}

function formatControl(v: number, format?: 'percent'): string {
  return format === 'percent' ? `${Math.round(v * 1000) / 10}%` : String(v);
}

function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
}

function exportChart(spec: ChartSpec, format: ExportFormat, scale: ScaleMode | undefined): void {
  const base = safeName(`${current?.spec.title ?? 'scaling-lens'}-${spec.id}`);
  let data: string;
  if (format === 'svg') data = chartToSvg(spec, scale);
  else if (format === 'csv') data = chartToCsv(spec);
  else if (format === 'json') data = JSON.stringify(spec, null, 2);
  else data = renderPng(spec, scale);
  host.post({ type: 'export', format, viewId: spec.id, suggestedName: `${base}.${format}`, data });
}

/** A 2× PNG on a white background in paper colours, whatever the editor theme. */
function renderPng(spec: ChartSpec, scale: ScaleMode | undefined): string {
  const holder = el('div');
  holder.style.cssText = 'position:fixed;left:-10000px;top:0;width:900px;height:560px;background:#fff';
  const canvas = el('canvas');
  holder.appendChild(canvas);
  document.body.appendChild(holder);
  const { chart } = drawChart(canvas, spec, scale, PAPER_THEME);
  chart.options.devicePixelRatio = 2;
  chart.resize(900, 560);
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  chart.destroy();
  holder.remove();
  return out.toDataURL('image/png').split(',')[1];
}

host.onMessage((m: HostToWebview) => {
  switch (m.type) {
    case 'render':
      if (m.restore) host.setState({ ...(host.getState() ?? {}), restore: m.restore });
      // A new spec for the same file keeps the user's per-chart choices.
      render(m.spec, m.scale, host.getState()?.chosen ?? {});
      break;
    case 'patch':
      patch(m.views);
      break;
    case 'busy':
      if (!current) status(m.text);
      else app.setAttribute('aria-busy', 'true');
      break;
    case 'empty':
      current = undefined;
      status(m.text);
      break;
    case 'error':
      status(m.text, 'status error');
      break;
  }
  if (m.type !== 'busy') app.removeAttribute('aria-busy');
});

// Theme switches change body classes; redraw so the chart picks the new colours.
new MutationObserver(() => {
  if (current) render(current.spec, current.scale, current.chosen);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const saved = host.getState();
if (saved?.spec) render(saved.spec, saved.scale, saved.chosen ?? {});
host.post({ type: 'ready' });

import type { ChartSpec, Point } from '../src/protocol/spec';
import type { ScaleMode } from '../src/protocol/webview';
import { axisScales, formatTick } from './scales';
import { withAlpha, type Theme } from './theme';

/**
 * A chart spec as a standalone SVG, for pasting into papers: vector, fixed light "paper"
 * colours whatever the editor theme, text as real <text> (escaped).
 */
export const PAPER_THEME: Theme = {
  foreground: '#111111',
  muted: '#555555',
  grid: '#e3e3e3',
  background: '#ffffff',
  font: 'Helvetica, Arial, sans-serif',
  palette: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'],
  highContrast: false,
};

const esc = (t: string) => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const r = (v: number) => Math.round(v * 100) / 100;

interface Axis {
  lo: number;
  hi: number;
  log: boolean;
}

function extent(values: number[], log: boolean): Axis {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { lo: log ? 1 : 0, hi: log ? 10 : 1, log };
  if (log) {
    const a = Math.floor(Math.log10(lo) * 10) / 10;
    const b = Math.ceil(Math.log10(hi) * 10) / 10;
    return { lo: 10 ** (a === b ? a - 0.5 : a), hi: 10 ** (a === b ? b + 0.5 : b), log };
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.1 || 1;
  return { lo: lo - pad, hi: hi + pad, log };
}

function ticks(a: Axis): number[] {
  if (a.log) {
    const out: number[] = [];
    const e0 = Math.floor(Math.log10(a.lo));
    const e1 = Math.ceil(Math.log10(a.hi));
    const step = Math.max(1, Math.ceil((e1 - e0) / 8));
    for (let e = e0; e <= e1; e += step) {
      const v = 10 ** e;
      if (v >= a.lo * 0.999 && v <= a.hi * 1.001) out.push(v);
    }
    // Narrow log ranges (e.g. losses 2–4) have no decade inside: fall back to 1-2-5 steps.
    if (out.length >= 2) return out;
    return linearTicks(a.lo, a.hi);
  }
  return linearTicks(a.lo, a.hi);
}

function linearTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function chartToSvg(spec: ChartSpec, mode: ScaleMode | undefined, theme: Theme = PAPER_THEME, width = 720, height = 450): string {
  const scales = axisScales(spec, mode);
  const all: Point[] = spec.series.flatMap((s) => [...s.points, ...(s.upper ?? [])]);
  const ax = extent(all.map((p) => p.x), scales.x === 'log');
  const ay = extent(all.map((p) => p.y), scales.y === 'log');
  const left = 78;
  const right = 20;
  const top = 44;
  const legendRows = spec.series.length > 1 ? Math.ceil(spec.series.length / 3) : 0;
  const bottom = 56 + legendRows * 18;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const tx = (a: Axis, v: number) => (a.log ? (Math.log10(v) - Math.log10(a.lo)) / (Math.log10(a.hi) - Math.log10(a.lo)) : (v - a.lo) / (a.hi - a.lo));
  const X = (v: number) => left + tx(ax, v) * pw;
  const Y = (v: number) => top + (1 - tx(ay, v)) * ph;
  const ok = (p: Point) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!ax.log || p.x > 0) && (!ay.log || p.y > 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.font)}" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="${theme.background}"/>`);
  out.push(`<text x="${left}" y="24" font-size="15" font-weight="bold" fill="${theme.foreground}">${esc(spec.title)}</text>`);
  out.push(`<defs><clipPath id="plot"><rect x="${left}" y="${top}" width="${pw}" height="${ph}"/></clipPath></defs>`);
  for (const t of ticks(ax)) {
    const x = r(X(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="${theme.grid}"/>`);
    out.push(`<text x="${x}" y="${top + ph + 16}" text-anchor="middle" fill="${theme.foreground}">${esc(formatTick(t))}</text>`);
  }
  for (const t of ticks(ay)) {
    const y = r(Y(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="${theme.grid}"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end" fill="${theme.foreground}">${esc(formatTick(t))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="${theme.muted}"/>`);
  const xl = spec.x.unit ? `${spec.x.label} (${spec.x.unit})` : spec.x.label;
  const yl = spec.y.unit ? `${spec.y.label} (${spec.y.unit})` : spec.y.label;
  out.push(`<text x="${left + pw / 2}" y="${top + ph + 36}" text-anchor="middle" fill="${theme.foreground}">${esc(xl)}</text>`);
  out.push(`<text transform="translate(18 ${top + ph / 2}) rotate(-90)" text-anchor="middle" fill="${theme.foreground}">${esc(yl)}</text>`);
  out.push('<g clip-path="url(#plot)">');
  spec.series.forEach((s, i) => {
    const color = theme.palette[(s.colorIndex ?? i) % theme.palette.length];
    const pts = s.points.filter(ok);
    if (s.kind === 'band' && s.upper) {
      const up = s.upper.filter(ok);
      const d = [...pts.map((p) => `${r(X(p.x))},${r(Y(p.y))}`), ...up.reverse().map((p) => `${r(X(p.x))},${r(Y(p.y))}`)].join(' ');
      if (d) out.push(`<polygon points="${d}" fill="${withAlpha(color, 0.18)}" stroke="none"/>`);
    } else if (s.kind === 'line') {
      const d = pts.map((p) => `${r(X(p.x))},${r(Y(p.y))}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    } else {
      for (const p of pts) out.push(`<circle cx="${r(X(p.x))}" cy="${r(Y(p.y))}" r="3.5" fill="${color}" fill-opacity="0.8"><title>${esc(p.label ? `${p.label}: ` : '')}${esc(formatTick(p.x))}, ${esc(formatTick(p.y))}</title></circle>`);
    }
  });
  out.push('</g>');
  if (legendRows > 0) {
    spec.series.forEach((s, i) => {
      const color = theme.palette[(s.colorIndex ?? i) % theme.palette.length];
      const lx = left + (i % 3) * (pw / 3);
      const ly = top + ph + 54 + Math.floor(i / 3) * 18;
      out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${color}"/><text x="${lx + 16}" y="${ly}" fill="${theme.foreground}">${esc(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The points of a chart as CSV (series, x, y, label), quoting text as RFC 4180 asks. */
export function chartToCsv(spec: ChartSpec): string {
  const q = (t: string) => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const lines = [['series', spec.x.label, spec.y.label, 'upper', 'label'].map(q).join(',')];
  for (const s of spec.series) {
    s.points.forEach((p, i) => {
      const up = s.upper?.[i]?.y;
      lines.push([q(s.name), String(p.x), String(p.y), up === undefined ? '' : String(up), q(p.label ?? '')].join(','));
    });
  }
  return lines.join('\n') + '\n';
}

import type { AxisScale, ChartSpec } from '../src/protocol/spec';
import type { ScaleMode } from '../src/protocol/webview';

export function axisScales(spec: ChartSpec, mode: ScaleMode | undefined): { x: AxisScale; y: AxisScale } {
  switch (mode) {
    case 'log-log':
      return { x: 'log', y: 'log' };
    case 'linear':
      return { x: 'linear', y: 'linear' };
    case 'log-x':
      return { x: 'log', y: 'linear' };
    case 'log-y':
      return { x: 'linear', y: 'log' };
    default:
      return { x: spec.x.scale, y: spec.y.scale };
  }
}

export function modeOf(x: AxisScale, y: AxisScale): ScaleMode {
  if (x === 'log') return y === 'log' ? 'log-log' : 'log-x';
  return y === 'log' ? 'log-y' : 'linear';
}

/** Compact tick labels: 1e21 rather than 1,000,000,000,000,000,000,000. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    const mant = m.replace(/\.?0+$/, '');
    return `${mant === '1' ? '' : mant + '×'}1e${Number(e)}`.replace(/^×/, '');
  }
  return Number(v.toPrecision(4)).toString();
}

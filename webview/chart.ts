import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
  type ScatterDataPoint,
  type TooltipItem,
} from 'chart.js';
import type { ChartSpec, Point } from '../src/protocol/spec';
import type { ScaleMode } from '../src/protocol/webview';
import { axisScales, formatTick } from './scales';
import { withAlpha, type Theme } from './theme';

Chart.register(ScatterController, LineController, LinearScale, LogarithmicScale, PointElement, LineElement, Filler, Tooltip, Legend);

type Ds = ChartDataset<'scatter', (ScatterDataPoint & { label?: string })[]>;

function keep(points: Point[], logX: boolean, logY: boolean): Point[] {
  return points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logX || p.x > 0) && (!logY || p.y > 0));
}

/** Draws a chart spec on a canvas with Chart.js. Returns the chart and how many points it drew. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec, mode: ScaleMode | undefined, theme: Theme): { chart: Chart; points: number } {
  const scales = axisScales(spec, mode);
  const logX = scales.x === 'log';
  const logY = scales.y === 'log';
  const datasets: Ds[] = [];
  let points = 0;
  spec.series.forEach((s, i) => {
    const color = theme.palette[(s.colorIndex ?? i) % theme.palette.length];
    const data = keep(s.points, logX, logY);
    points += data.length;
    if (s.kind === 'band' && s.upper) {
      const upper = keep(s.upper, logX, logY);
      datasets.push({ label: `${s.name} (lower)`, data, showLine: true, pointRadius: 0, borderWidth: 0, borderColor: 'transparent', backgroundColor: 'transparent' });
      datasets.push({ label: s.name, data: upper, showLine: true, pointRadius: 0, borderWidth: 0, borderColor: 'transparent', backgroundColor: withAlpha(color, 0.18), fill: '-1' });
      return;
    }
    datasets.push({
      label: s.name,
      data,
      showLine: s.kind === 'line',
      borderColor: color,
      backgroundColor: s.kind === 'scatter' ? withAlpha(color, 0.75) : color,
      borderDash: s.dashed ? [6, 4] : undefined,
      borderWidth: theme.highContrast ? 3 : 2,
      pointRadius: s.kind === 'scatter' ? 3.5 : 0,
      pointHoverRadius: 5,
      tension: 0,
    });
  });
  const axis = (label: string, log: boolean) => ({
    type: log ? ('logarithmic' as const) : ('linear' as const),
    title: { display: true, text: label, color: theme.foreground },
    grid: { color: theme.grid },
    border: { color: theme.muted },
    ticks: { color: theme.foreground, callback: (v: number | string) => formatTick(Number(v)), maxRotation: 0, autoSkipPadding: 12 },
  });
  Chart.defaults.font.family = theme.font;
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      scales: { x: axis(spec.x.unit ? `${spec.x.label} (${spec.x.unit})` : spec.x.label, logX), y: axis(spec.y.unit ? `${spec.y.label} (${spec.y.unit})` : spec.y.label, logY) },
      plugins: {
        legend: {
          display: spec.series.length > 1,
          labels: { color: theme.foreground, filter: (item) => !String(item.text).endsWith('(lower)') },
        },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const p = item.raw as Point;
              return `${p.label ? p.label + ': ' : ''}${formatTick(p.x)}, ${formatTick(p.y)}`;
            },
          },
        },
      },
    },
  });
  return { chart, points };
}

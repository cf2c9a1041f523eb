import type { RunTable } from '../ingest/runTable';
import type { Derived, Sweep } from '../ingest/sweep';
import type { PanelSpec, TableSpec } from './spec';
import { runLogPanel } from './runLogPanel';
import { formatValue } from './formulas';

/**
 * A sweep (one point per run folder) as a run table, so the same fitting and charts serve a
 * folder of runs and a CSV of runs; each row remembers the file its run came from.
 */
export function sweepTable(sweep: Sweep, name: string): RunTable {
  const v = (d: Derived) => d.value;
  return {
    file: name,
    format: 'sweep',
    columns: ['run', 'N', 'D', 'C', 'loss', 'best_loss', 'steps'],
    numericColumns: ['N', 'D', 'C', 'loss', 'best_loss', 'steps'],
    rows: sweep.points.map((p, i) => ({
      line: i + 1,
      values: { run: p.key, N: v(p.N), D: v(p.D), C: v(p.C), loss: v(p.finalLoss), best_loss: v(p.bestLoss), steps: v(p.steps) },
      origin: p.files[0] ? { file: p.files[0], line: 1 } : undefined,
    })),
    problems: sweep.problems,
  };
}

const show = (d: Derived) => (d.value === null ? '—' : formatValue(d.value));

/** Every run accounted for, with how each of its values was derived. */
export function sweepRunsTable(sweep: Sweep): TableSpec {
  const points = new Map(sweep.points.map((p) => [p.key, p]));
  return {
    kind: 'table',
    id: 'runs',
    title: `Runs (${sweep.points.length} points of ${sweep.runs.length} runs; N counts ${sweep.size} parameters)`,
    columns: ['run', 'format', 'N', 'how N', 'D', 'how D', 'C', 'final loss', 'status'],
    rows: sweep.runs.map((r) => {
      const p = points.get(r.key);
      if (!p) return [r.key, r.format, null, null, null, null, null, null, `skipped: ${r.reason ?? 'no reason given'}`];
      return [p.key, p.format, show(p.N), p.N.how, show(p.D), p.D.how, show(p.C), show(p.finalLoss), p.missing.length ? `missing ${p.missing.join(', ')}` : 'point'];
    }),
  };
}

export function sweepPanel(sweep: Sweep, name: string): PanelSpec {
  const base = runLogPanel(sweepTable(sweep, name), { x: 'C', y: 'loss' });
  const skipped = sweep.runs.filter((r) => r.status === 'skipped').length;
  const messages = [...(base.messages ?? [])];
  if (skipped) messages.unshift({ severity: 'warning' as const, text: `${skipped} of ${sweep.runs.length} runs were skipped: see the Runs table for why.` });
  if (sweep.ignored.count) messages.push({ severity: 'info' as const, text: `${sweep.ignored.count} log-like files no reader claims, e.g. ${sweep.ignored.examples.slice(0, 3).join(', ')}.` });
  return { title: `Sweep: ${name}`, source: name, views: [...base.views.filter((v) => v.kind === 'chart'), sweepRunsTable(sweep)], messages };
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunTable } from '../../../src/core/ingest/runTable';
import { resolveAxes, runLogPanel } from '../../../src/core/report/runLogPanel';

function table(columns: string[], rows: (number | string | null)[][], numeric = columns): RunTable {
  return {
    file: 't.csv',
    format: 'csv',
    columns,
    numericColumns: numeric,
    rows: rows.map((r, i) => ({ line: i + 2, values: Object.fromEntries(columns.map((c, j) => [c, r[j]])) })),
    problems: [],
  };
}

test('a sweep plots loss against compute on log–log axes, one point per run', () => {
  const t = table(['run', 'params', 'tokens', 'flops', 'loss'], [['a', 1e8, 2e9, 1.2e18, 3.1], ['b', 4e8, 8e9, 1.9e19, 2.7]], ['params', 'tokens', 'flops', 'loss']);
  const panel = runLogPanel(t);
  const chart = panel.views[0];
  assert.equal(chart.kind, 'chart');
  if (chart.kind !== 'chart') return;
  assert.equal(chart.x.scale, 'log');
  assert.match(chart.x.label, /^flops/);
  assert.deepEqual(chart.series.map((s) => [s.kind, s.points.length]), [['scatter', 2]]);
  assert.deepEqual(chart.series[0].points.map((p) => p.label), ['a', 'b']);
});

test('loss curves (several rows per run) plot one line per run against step', () => {
  const t = table(['run', 'step', 'loss'], [['a', 1, 3], ['a', 2, 2.9], ['b', 1, 3.2], ['b', 2, 3.0]], ['step', 'loss']);
  const chart = runLogPanel(t).views[0];
  assert.ok(chart.kind === 'chart');
  assert.equal(chart.x.scale, 'linear');
  assert.deepEqual(chart.series.map((s) => [s.name, s.kind, s.points.length]), [['a', 'line', 2], ['b', 'line', 2]]);
});

test('eval loss is preferred unless it was logged far more rarely than another loss', () => {
  const dense = table(['step', 'train_loss_step', 'val_loss'], Array.from({ length: 100 }, (_, i) => [i, 3 - i / 100, i % 50 === 0 ? 2.9 : null]));
  assert.equal(resolveAxes(dense).y, 'train_loss_step');
  const both = table(['step', 'train_loss', 'eval_loss'], Array.from({ length: 100 }, (_, i) => [i, 3 - i / 100, i % 5 === 0 ? 2.9 : null]));
  assert.equal(resolveAxes(both).y, 'eval_loss');
});

test('an axis set to a column that is not there says so instead of guessing', () => {
  const t = table(['step', 'loss'], [[1, 2]]);
  const axes = resolveAxes(t, { x: 'flops' });
  assert.equal(axes.x, undefined);
  assert.match(axes.missing[0], /'flops'.*not a numeric column/);
  assert.equal(runLogPanel(t, { x: 'flops' }).views.filter((v) => v.kind === 'chart').length, 0);
});

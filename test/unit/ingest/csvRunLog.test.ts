import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCsvRunLog } from '../../../src/core/ingest/csvRunLog';
import { textSource } from '../../../src/core/ingest/source';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/run-logs', name), 'utf8');

test('bad rows are reported with line, column and reason; good rows are kept', async () => {
  const t = await readCsvRunLog(textSource('bad-rows.csv', fixture('bad-rows.csv')));
  assert.deepEqual(t.columns, ['run', 'params', 'tokens', 'loss']);
  assert.deepEqual(t.numericColumns, ['params', 'tokens', 'loss']);
  // Row c has a missing field: skipped. Rows b and d keep their other values.
  assert.deepEqual(t.rows.map((r) => r.values.run), ['a', 'b', 'd', 'e, quoted', 'f']);
  assert.equal(t.rows[1].values.loss, null);
  assert.equal(t.rows[1].values.params, 2e8);
  const byLine = new Map(t.problems.map((p) => [p.line, p]));
  assert.equal(byLine.get(3)?.code, 'run-log/not-a-number');
  assert.equal(byLine.get(3)?.column, 'b,2e8,4e9,'.length + 1);
  assert.match(byLine.get(3)!.message, /'loss' expects a number, found 'abc'/);
  assert.equal(byLine.get(4)?.code, 'run-log/field-count');
  assert.equal(byLine.get(5)?.code, 'run-log/non-finite');
  assert.equal(t.problems.length, 3);
  assert.ok(t.problems.every((p) => p.file === 'bad-rows.csv'));
});

test('a broken quote costs one row, not the rest of the file', async () => {
  const text = 'run,loss\na,1.0\n"b,2.0\nc,3.0\n';
  const t = await readCsvRunLog(textSource('q.csv', text));
  // The open quote swallows at most MAX_JOINED_LINES lines; with 2 left it reaches the end.
  assert.equal(t.rows[0].values.loss, 1);
  assert.ok(t.problems.some((p) => p.code === 'run-log/unclosed-quote' && p.line === 3));
});

test('quoted fields may span lines, as RFC 4180 allows', async () => {
  const t = await readCsvRunLog(textSource('m.csv', 'run,loss\n"multi\nline",2.5\nz,1.5\n'));
  assert.deepEqual(t.rows.map((r) => [r.line, r.values.run, r.values.loss]), [[2, 'multi\nline', 2.5], [4, 'z', 1.5]]);
  assert.equal(t.problems.length, 0);
});

test('TSV, CRLF, byte-order mark and size suffixes', async () => {
  const t = await readCsvRunLog(textSource('s.tsv', '\ufeffmodel\tparams\tloss\r\nsmall\t70M\t3.5\r\nbig\t1.3B\t2.9\r\n'));
  assert.equal(t.format, 'tsv');
  assert.deepEqual(t.columns, ['model', 'params', 'loss']);
  assert.deepEqual(t.rows.map((r) => r.values.params), [70e6, 1.3e9]);
});

test('semicolon-delimited files are sniffed', async () => {
  const t = await readCsvRunLog(textSource('eu.csv', 'step;loss\n1;2.5\n2;2.4\n'));
  assert.deepEqual(t.rows.map((r) => r.values.loss), [2.5, 2.4]);
});

test('an empty file is a located problem, not a crash', async () => {
  const t = await readCsvRunLog(textSource('empty.csv', ''));
  assert.equal(t.rows.length, 0);
  assert.equal(t.problems[0].code, 'run-log/empty');
});

test('a file with thousands of bad cells reports a capped list and says how many more', async () => {
  const lines = ['step,loss'];
  for (let i = 0; i < 3300; i++) lines.push(i < 300 ? `${i},2.5` : `${i},x`);
  const t = await readCsvRunLog(textSource('many.csv', lines.join('\n')));
  assert.equal(t.rows.length, 3300);
  assert.equal(t.problems.length, 1001);
  assert.match(t.problems[1000].message, /2000 more problems/);
});

test('a column of words is text, not 3,000 errors', async () => {
  const lines = ['step,optimizer'];
  for (let i = 0; i < 3000; i++) lines.push(`${i},adamw`);
  const t = await readCsvRunLog(textSource('text.csv', lines.join('\n')));
  assert.deepEqual(t.numericColumns, ['step']);
  assert.equal(t.problems.length, 0);
});

test('the Lightning CSVLogger metrics.csv (sparse rows) reads without problems', async () => {
  const t = await readCsvRunLog(textSource('metrics.csv', fixture('lightning-metrics-head.csv')));
  assert.ok(t.columns.includes('step'));
  assert.ok(t.rows.length > 100);
  // Empty cells are missing values, not errors.
  assert.equal(t.problems.filter((p) => p.severity === 'error').length, 0);
});

test('a metric first logged after many empty rows is still a number column (sparse Lightning rows)', async () => {
  const lines = ['step,train_loss,val_loss'];
  for (let i = 1; i <= 400; i++) lines.push(`${i},${(3 - i / 1000).toFixed(3)},${i % 250 === 0 ? '2.9' : ''}`);
  const t = await readCsvRunLog(textSource('sparse.csv', lines.join('\n')));
  assert.deepEqual(t.numericColumns, ['step', 'train_loss', 'val_loss']);
  assert.deepEqual(t.rows.filter((r) => r.values.val_loss !== null).map((r) => [r.values.step, r.values.val_loss]), [[250, 2.9]]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../../src/core/ingest/source';
import { summarizeTraceSource } from '../../../src/core/traces/fileSummary';
import { rangeBoundaries, summarizeTraceFile } from '../../../src/core/traces/parallel';

test('a file summarised on two worker threads equals the one-thread summary', async () => {
  const examples = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'traces', 'traces.jsonl'), 'utf8').trim().split('\n');
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const o = JSON.parse(examples[i % examples.length]);
    // Some records without ids (named by position), multi-byte text, and a few broken lines.
    if (i % 7 === 0) delete o.id;
    else o.id = `t${i}`;
    o.problem_id = `p${i % 40}`;
    o.response.choices[0].message.reasoning_content += ` Ünïcödé ${'中'.repeat(i % 5)} step ${i}.`;
    lines.push(i % 211 === 5 ? '{"id": "broken", ' : JSON.stringify(o));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'traces-')), 'traces.jsonl');
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  const single = await summarizeTraceSource(fileSource(path, 'traces.jsonl'));
  const parallel = await summarizeTraceFile(path, { workers: 2, minParallelBytes: 0, rangeBytes: 64 << 10 }, 'traces.jsonl');
  assert.equal(parallel.records, single.records);
  assert.deepEqual(parallel.rows.map(strip), single.rows.map(strip));
  assert.deepEqual(parallel.fileProblems, single.fileProblems);
  assert.deepEqual(parallel.totals, single.totals);
  assert.deepEqual(parallel.problems, single.problems);
  // Everything else too: tokenizers in order of first use, markers by kind, problem stats.
  const { rows: _p, ...parallelRest } = parallel;
  const { rows: _s, ...singleRest } = single;
  assert.deepEqual(parallelRest, singleRest);
  assert.ok(single.fileProblems.length >= 7);
  // Byte ranges point at the records in the file.
  const bytes = readFileSync(path);
  const r = parallel.rows[1000];
  assert.ok(bytes.subarray(r.byteStart, r.byteEnd).toString('utf8').startsWith('{"'));
  assert.equal(bytes.subarray(0, r.byteStart).toString('utf8').split('\n').length, r.line);
});

function strip<T extends { sketch?: Uint32Array }>(r: T): Omit<T, 'sketch'> {
  const { sketch: _s, ...rest } = r;
  return rest;
}

test('ranges are cut at line starts, and the last few are smaller so both workers finish together', () => {
  const line = JSON.stringify({ id: 'x', text: 'y'.repeat(90) }) + '\n';
  const path = join(mkdtempSync(join(tmpdir(), 'ranges-')), 'r.jsonl');
  writeFileSync(path, line.repeat(2000));
  const size = line.length * 2000;
  const cuts = rangeBoundaries(path, size, 16 << 10, false);
  assert.equal(cuts[0], 0);
  assert.equal(cuts[cuts.length - 1], size);
  for (const c of cuts) assert.equal(c % line.length, 0);
  const sizes = cuts.slice(1).map((c, i) => c - cuts[i]);
  assert.ok(sizes[0] >= 16 << 10 && sizes[0] < (16 << 10) + line.length);
  const small = sizes.filter((s) => s < 8 << 10).length;
  assert.ok(small >= 12 && small <= 20, `${small} small ranges in ${sizes.join(',')}`);
  assert.ok(sizes.slice(0, sizes.length - small).every((s) => s >= 16 << 10));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../../src/core/ingest/source';
import { summarizeTraceSource } from '../../../src/core/traces/fileSummary';
import { summarizeTraceFile } from '../../../src/core/traces/parallel';

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
  assert.ok(single.fileProblems.length >= 7);
  // Byte ranges point at the records in the file.
  const bytes = readFileSync(path);
  const r = parallel.rows[1000];
  assert.ok(bytes.subarray(r.byteStart, r.byteEnd).toString('utf8').startsWith('{"'));
  assert.equal(bytes.subarray(0, r.byteStart).toString('utf8').split('\n').length, r.line);
});

function strip<T extends { sketch?: number[] }>(r: T): Omit<T, 'sketch'> {
  const { sketch: _s, ...rest } = r;
  return rest;
}

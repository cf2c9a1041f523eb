import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../../src/core/ingest/source';
import { summarizeTraceSource } from '../../../src/core/traces/fileSummary';
import { rangeBoundaries, summarizeTraceFile } from '../../../src/core/traces/parallel';
import { seededRandom } from '../../support/random';

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

test('cuts land on line starts when lines are longer than a read (lines of 5–60 KB)', () => {
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) lines.push(JSON.stringify({ id: `r${i}`, text: 'z'.repeat(5_000 + ((i * 7919) % 55_000)) }) + '\n');
  const text = lines.join('');
  const path = join(mkdtempSync(join(tmpdir(), 'ranges-')), 'long.jsonl');
  writeFileSync(path, text);
  const starts = new Set<number>([0]);
  for (let i = 0, at = 0; i < lines.length; i++) starts.add((at += lines[i].length));
  const cuts = rangeBoundaries(path, text.length, 100 << 10, false);
  assert.ok(cuts.length > 20, `${cuts.length} cuts`);
  for (const c of cuts) assert.ok(starts.has(c), `cut at ${c} is not a line start`);
  // Each cut is the first line start at or after its target, a range's size past the one before.
  const sorted = [...starts].sort((a, b) => a - b);
  for (let k = 1; k <= 10; k++) assert.equal(cuts[k], sorted.find((s) => s >= cuts[k - 1] + (100 << 10)), `cut ${k}`);
});

test('cuts equal a byte-by-byte reference, wherever the reads break (newlines around read ends, 1,500 random files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ranges-'));
  const rand = seededRandom(7);
  const check = (bytes: Buffer, rangeBytes: number, safe: boolean, what: string): void => {
    const path = join(dir, 'f.jsonl');
    writeFileSync(path, bytes);
    const expected = [0];
    for (let target = rangeBytes; target < bytes.length; ) {
      let found = -1;
      for (let j = target; j < bytes.length - 1; j++) {
        if (bytes[j] === 10 && (!safe || (bytes[j + 1] > 32 && bytes[j + 1] < 0x80))) {
          found = j + 1;
          break;
        }
      }
      if (found < 0) break;
      expected.push(found);
      target = found + (bytes.length - found > 4 * rangeBytes ? rangeBytes : Math.max(1, rangeBytes >> 2));
    }
    expected.push(bytes.length);
    assert.deepEqual(rangeBoundaries(path, bytes.length, rangeBytes, safe), expected, what);
  };
  // The first newline after the target at every distance around where reads of common sizes end.
  for (const block of [4096, 8192, 16384, 65536]) {
    for (const d of [block - 3, block - 2, block - 1, block, block + 1, 2 * block - 3, 2 * block - 2, 2 * block - 1, 2 * block]) {
      const bytes = Buffer.from('{' + 'x'.repeat(1000 + d - 1) + '\n{' + 'y'.repeat(50) + '\n');
      check(bytes, 1000, false, `newline ${d} bytes past the target`);
    }
  }
  for (let trial = 0; trial < 1500; trial++) {
    const parts: string[] = [];
    const total = 2_000 + rand(60_000);
    for (let len = 0; len < total; ) {
      // Long and short lines, some starting with a space (not a safe cut), some empty.
      const body = rand(10) === 0 ? '' : (rand(4) === 0 ? ' ' : '{') + 'x'.repeat(rand(3) === 0 ? rand(20_000) : rand(300));
      parts.push(body + '\n');
      len += body.length + 1;
    }
    const rangeBytes = 1 + rand(12_000);
    const safe = rand(2) === 0;
    check(Buffer.from(parts.join('')), rangeBytes, safe, `trial ${trial}, ranges of ${rangeBytes}, safe ${safe}`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../../../src/core/tokens/bundled';
import { countFileTokens } from '../../../src/core/traces/parallel';
import { hardCases } from './corpus';

test('counting a big file in worker threads gives the count of the whole text', async () => {
  const text = Array.from({ length: 400 }, (_, i) => `${hardCases[i % hardCases.length].text}\n`).join('').replace(/\u0000/g, '');
  const path = join(mkdtempSync(join(tmpdir(), 'count-')), 'big.txt');
  writeFileSync(path, text);
  const expected = loadTokenizer('o200k_base').count(text);
  const parallel = await countFileTokens(path, 'o200k_base', { workers: 2, minParallelBytes: 0, rangeBytes: 16 << 10 });
  assert.equal(parallel.tokens, expected);
  const single = await countFileTokens(path, 'o200k_base', { workers: 1 });
  assert.equal(single.tokens, expected);
  assert.equal(parallel.lines, single.lines);
});

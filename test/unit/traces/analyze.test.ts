import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRecord, type TraceRecord } from '../../../src/core/ingest/traces/record';
import { loadTokenizer } from '../../../src/core/tokens/bundled';
import { TraceAnalyzer } from '../../../src/core/traces/analyze';
import { ShingleSketch, sketchSimilarity } from '../../../src/core/traces/repetition';

function rec(over: Partial<TraceRecord>): TraceRecord {
  return { ...emptyRecord('test', 0), thinkingKind: 'raw', ...over };
}

const thinking = 'We need 17 × 23.\n\n17 × 20 = 340 and 17 × 3 = 51, so 17 × 23 = 391.\n\nWait, let me double-check: 23 × 17 = 391.\n\nHmm, yes. Alternatively (20 − 3)(20 + 3) = 391.';

test('token counts use the model’s tokenizer, and steps add up to the thinking', () => {
  const a = new TraceAnalyzer({ detail: 'full' }).analyze(rec({ model: 'deepseek-reasoner', thinking, answer: 'The answer is \\boxed{391}.' }));
  const t = loadTokenizer('deepseek_r1');
  assert.equal(a.tokenizer.id, 'deepseek_r1');
  assert.equal(a.tokenizer.how, "model rule 'deepseek*'");
  assert.equal(a.thinking, t.count(thinking));
  assert.equal(a.answer, t.count('The answer is \\boxed{391}.'));
  assert.equal(a.total, a.thinking + a.answer);
  assert.equal(a.steps, 4);
  assert.equal(a.detail!.steps.reduce((s, x) => s + x.tokens, 0), a.thinking);
  assert.equal(a.detail!.steps[0].tokenStart, 0);
});

test('markers with positions and rate; first answer point and the tokens after it', () => {
  const a = new TraceAnalyzer({ detail: 'full' }).analyze(rec({ model: 'deepseek-reasoner', thinking, answer: '\\boxed{391}' }));
  assert.deepEqual(a.detail!.markerHits.map((h) => h.phrase), ['wait', 'let me double-check', 'hmm', 'alternatively']);
  assert.deepEqual(a.markersByKind, { backtrack: 1, hedge: 1, verify: 1, alternative: 1 });
  assert.equal(a.markerRate, (1000 * 4) / a.thinking);
  const t = loadTokenizer('deepseek_r1');
  const first = thinking.indexOf('391');
  assert.equal(a.firstAnswer!.rule, 'result-cue');
  assert.equal(a.firstAnswer!.step, 1);
  assert.equal(a.firstAnswer!.tokenOffset, t.count(thinking.slice(0, first + 3)));
  assert.equal(a.firstAnswer!.tokensAfter, a.thinking - a.firstAnswer!.tokenOffset);
  assert.ok(a.firstAnswer!.share > 0.3 && a.firstAnswer!.share < 0.8);
  const waitAt = a.detail!.markerHits[0];
  assert.equal(waitAt.tokenOffset, t.count(thinking.slice(0, thinking.indexOf('Wait'))));
});

test('correctness: from the file when it says, else final answer against the reference', () => {
  const an = new TraceAnalyzer();
  assert.deepEqual(pick(an.analyze(rec({ answer: '\\boxed{12}', reference: 'Thus $\\boxed{12}$.' }))), [true, 'reference']);
  assert.deepEqual(pick(an.analyze(rec({ answer: '\\boxed{13}', reference: '12' }))), [false, 'reference']);
  assert.deepEqual(pick(an.analyze(rec({ answer: '\\boxed{13}', reference: '12', correct: true }))), [true, 'file']);
  assert.deepEqual(pick(an.analyze(rec({ answer: 'no idea' }))), [undefined, undefined]);
});

test('reported usage is shown beside the count and flagged only beyond template overhead', () => {
  const an = new TraceAnalyzer();
  const t = loadTokenizer('deepseek_r1');
  const n = t.count(thinking);
  assert.deepEqual(an.analyze(rec({ model: 'deepseek-reasoner', thinking, answer: 'x', usage: { output: n + 5, reasoning: n + 2 } })).check, { field: 'reasoning', counted: n, reported: n + 2, difference: 2, flagged: false });
  assert.equal(an.analyze(rec({ model: 'deepseek-reasoner', thinking, answer: 'x', usage: { output: n + 80, reasoning: n + 70 } })).check?.flagged, true);
  // Summarised reasoning is not what was billed: no comparison.
  assert.equal(an.analyze(rec({ model: 'o3', thinking, thinkingKind: 'summary', answer: 'x', usage: { output: 900, reasoning: 880 } })).check, undefined);
});

test('dollars say which price row and which token numbers they used', () => {
  const an = new TraceAnalyzer();
  const reported = an.analyze(rec({ model: 'gpt-4o-2024-08-06', answer: 'hello', thinkingKind: 'none', usage: { input: 1000, cachedInput: 200, output: 100 } }));
  assert.equal(reported.cost!.row, 'openai/gpt-4o@2025-08-07');
  assert.equal(reported.cost!.basis, 'reported');
  assert.equal(reported.cost!.scope, 'input+output');
  assert.ok(Math.abs(reported.cost!.dollars - (800 * 2.5 + 200 * 1.25 + 100 * 10) / 1e6) < 1e-12);
  const counted = an.analyze(rec({ model: 'deepseek-reasoner', thinking, answer: 'ok' }));
  assert.equal(counted.cost!.basis, 'counted');
  assert.equal(counted.cost!.scope, 'output');
  assert.ok(Math.abs(counted.cost!.dollars - (counted.total * 2.19) / 1e6) < 1e-12);
  const claude = an.analyze(rec({ model: 'claude-sonnet-4-20250514', thinking, answer: 'ok', thinkingKind: 'summary' }));
  assert.equal(claude.tokenizer.exact, false);
  assert.equal(claude.cost!.basis, 'estimated');
  assert.match(claude.costNote!, /summarised or hidden/);
  assert.match(an.analyze(rec({ model: 'unknown-model', answer: 'x' })).costNote!, /no price row/);
});

test('forced tokenizer, fallback for unknown models, and a missing tokenizer file falls back loudly', () => {
  assert.equal(new TraceAnalyzer({ tokenizer: 'qwen3' }).analyze(rec({ model: 'gpt-4o', answer: 'x' })).tokenizer.id, 'qwen3');
  assert.equal(new TraceAnalyzer().analyze(rec({ model: 'mystery', answer: 'x' })).tokenizer.how, "default (no rule for 'mystery')");
  const broken = new TraceAnalyzer({ modelRules: [{ match: 'mine*', tokenizer: 'file:/nope/tokenizer.json' }] }).analyze(rec({ model: 'mine-1', answer: 'x' }));
  assert.equal(broken.tokenizer.id, 'o200k_base');
  assert.match(broken.tokenizer.how, /failed .*not found.*default used/);
});

test('cached analyses are reused for unchanged records, with their new positions', () => {
  const an = new TraceAnalyzer({ cache: true });
  const a = an.analyze(rec({ model: 'gpt-4o', answer: 'same text', line: 3 }));
  const b = an.analyze(rec({ model: 'gpt-4o', answer: 'same text', line: 9, id: 'moved' }));
  assert.equal(b.line, 9);
  assert.equal(b.id, 'moved');
  assert.equal(b.answer, a.answer);
});

function pick(a: { correct?: boolean; correctBy?: string }): [boolean | undefined, string | undefined] {
  return [a.correct, a.correctBy];
}

test('similarity sketches come from the counting pass: same thinking 1, different thinking lower', () => {
  const an = new TraceAnalyzer();
  const a = an.analyze(rec({ model: 'gpt-4o', problemId: 'p1', thinking: thinking.repeat(3) })).sketch!;
  const b = an.analyze(rec({ model: 'gpt-4o', problemId: 'p1', thinking: thinking.repeat(3) })).sketch!;
  const c = an.analyze(rec({ model: 'gpt-4o', problemId: 'p1', thinking: 'Entirely different reasoning about the capital of France, which is Paris, and its history.' })).sketch!;
  assert.ok(a.length > 10);
  // Only traces of a named problem are compared; the rest are not sketched.
  assert.equal(an.analyze(rec({ model: 'gpt-4o', thinking: thinking.repeat(3) })).sketch, undefined);
  assert.equal(sketchSimilarity(a, b), 1);
  assert.ok(sketchSimilarity(a, c) < 0.2);
});

test('a similarity sketch does not depend on how its piece hashes were batched', () => {
  let seed = 7;
  const hashes = Int32Array.from({ length: 5000 }, () => (seed = (Math.imul(seed, 1664525) + 1013904223) | 0));
  const whole = new ShingleSketch();
  whole.addHashes(hashes, hashes.length);
  for (const size of [1, 3, 1024]) {
    const parts = new ShingleSketch();
    for (let i = 0; i < hashes.length; i += size) {
      const chunk = hashes.slice(i, i + size);
      parts.addHashes(chunk, chunk.length);
    }
    assert.deepEqual(parts.finish(), whole.finish(), `batches of ${size}`);
  }
  assert.equal(whole.finish().length, 64);
});

test('no public tokenizer: reported usage is shown, and step sizes are put on its scale', () => {
  const a = new TraceAnalyzer({ detail: 'full' }).analyze(rec({ model: 'claude-3-7-sonnet-20250219', thinking, answer: '\\boxed{391}', usage: { input: 10, output: 400, reasoning: 300 } }));
  assert.equal(a.countsFrom, 'reported');
  assert.deepEqual([a.thinking, a.answer + a.toolCalls, a.total], [300, 100, 400]);
  const stepSum = a.detail!.steps.reduce((s, x) => s + x.tokens, 0);
  assert.equal(stepSum, 300);
  assert.ok(a.firstAnswer!.tokensAfter <= 300 && a.firstAnswer!.share > 0);
  assert.equal(a.cost!.basis, 'reported');
});

test('the analysis cache keeps traces of different problems apart even when their text is the same', () => {
  const an = new TraceAnalyzer({ cache: true });
  const a = an.analyze(rec({ model: 'gpt-4o', thinking }));
  const b = an.analyze(rec({ model: 'gpt-4o', problemId: 'p7', thinking }));
  assert.equal(a.problemId, undefined);
  assert.equal(a.sketch, undefined);
  assert.equal(b.problemId, 'p7');
  assert.ok(b.sketch && b.sketch.length > 0);
});

test('a similarity sketch is the 64 smallest distinct shingle hashes, with repeats and short texts', async () => {
  const { PIECE_SAMPLE_MIX } = await import('../../../src/core/tokens/bpe');
  // The definition: pieces in the sampled quarter, shingles of three consecutive ones, mixed.
  const reference = (hashes: Int32Array): number[] => {
    const kept = [...hashes].filter((h) => (Math.imul(h, PIECE_SAMPLE_MIX) & 0xc0000000) === 0);
    const shingles = new Set<number>();
    for (let i = 2; i < kept.length; i++) {
      let h = Math.imul(Math.imul(0x2545f491 ^ kept[i - 2], 0x85ebca6b) ^ kept[i - 1], 0x85ebca6b);
      h = Math.imul(h ^ kept[i], 0x85ebca6b);
      shingles.add((h ^ (h >>> 13)) >>> 0);
    }
    return [...shingles].sort((a, b) => a - b).slice(0, 64);
  };
  let seed = 3;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  for (let t = 0; t < 200; t++) {
    // A small alphabet of pieces repeats shingles; a large one gives thousands of distinct ones,
    // so later shingles land near the cut-off. Lengths from nothing to many buffers full.
    const alphabet = Int32Array.from({ length: 4 + rand(t % 2 === 0 ? 400 : 20_000) }, () => rand(2 ** 31) - 2 ** 30);
    const hashes = Int32Array.from({ length: rand(t % 2 === 0 ? 3000 : 30_000) }, () => alphabet[rand(alphabet.length)]);
    const s = new ShingleSketch();
    s.addHashes(hashes, hashes.length);
    assert.deepEqual([...s.finish()], reference(hashes), `case ${t}`);
  }
});

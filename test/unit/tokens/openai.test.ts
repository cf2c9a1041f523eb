import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../../src/core/tokens/bundled';
import { assertMatchesReference } from './check';
import { divergence, hardCases } from './corpus';
import { openAiAsText, reference } from './reference';

for (const id of ['o200k_base', 'cl100k_base'] as const) {
  test(`${id}: counts and token ids equal gpt-tokenizer on every corpus sample`, () => {
    const { samples, tokens } = assertMatchesReference(loadTokenizer(id), reference(id));
    assert.ok(samples > 300 && tokens > 20_000, `corpus too small: ${samples} samples, ${tokens} tokens`);
  });

  test(`${id}: with specials read as text, counts equal gpt-tokenizer's no-special mode`, () => {
    const ours = loadTokenizer(id);
    const ref = openAiAsText(id);
    for (const s of hardCases) assert.equal(ours.count(s.text, { specials: 'text' }), ref.encode(s.text).length, s.name);
    assert.equal(ours.count('<|endoftext|>'), 1);
    assert.ok(ours.count('<|endoftext|>', { specials: 'text' }) > 1);
  });

  test(`${id}: \\s means Unicode White_Space, as in tiktoken (gpt-tokenizer reads JavaScript's \\s)`, () => {
    const ours = loadTokenizer(id);
    const [nel, bom] = divergence;
    // NEL is whitespace: the run "\u0085  " splits like spaces do, "\u0085 " + " b".
    assert.equal(ours.count(nel.text), ours.count('a') + ours.count('\u0085 ') + ours.count(' b'));
    // BOM is not whitespace in Rust's regex: it joins the punctuation-like run " \ufeff\ufeff".
    assert.equal(ours.count(bom.text), ours.count('x') + ours.count(' \ufeff\ufeff') + ours.count(' y'));
    if (id === 'o200k_base') assert.notEqual(ours.count(bom.text), openAiAsText(id).encode(bom.text).length, 'the JavaScript port splits the BOM as whitespace');
  });
}

test('o200k_base: decode(encode(text)) gives the text back', () => {
  const o = loadTokenizer('o200k_base');
  for (const s of hardCases) {
    if (s.name === 'lone surrogates') continue;
    assert.equal(o.decode(o.encode(s.text)), s.text, s.name);
  }
});

test('o200k_base: long pieces (heap merge) equal the quadratic merge and the reference', () => {
  const o = loadTokenizer('o200k_base');
  const ref = reference('o200k_base');
  for (const text of ['x'.repeat(5000), ' '.repeat(3000) + 'y', 'ab'.repeat(2000), '٣'.repeat(700), '🤔'.repeat(300), 'aé'.repeat(900)]) {
    assert.equal(o.count(text), ref.encode(text).length, `${JSON.stringify(text.slice(0, 10))}×${text.length}`);
  }
});

test('countAt: token offsets at positions sum consistently with count', () => {
  const o = loadTokenizer('o200k_base');
  const text = 'Step one.\n\nStep two is longer than step one.\n\nWait, step three.';
  const positions = [0, text.indexOf('Step two'), text.indexOf('Wait'), text.length];
  const out = new Int32Array(positions.length);
  const total = o.countAt(text, positions, out);
  assert.equal(total, o.count(text));
  assert.equal(out[0], 0);
  assert.equal(out[1], o.count(text.slice(0, positions[1])));
  assert.equal(out[2], o.count(text.slice(0, positions[2])));
  assert.equal(out[3], total);
});

test('countAt: many positions, repeated and inside pieces, over a long text; piece hashes reach the sink in order across batches', () => {
  const o = loadTokenizer('o200k_base');
  const paragraphs = Array.from({ length: 400 }, (_, k) => `Paragraph ${k}: we compute ${k} × 7 = ${k * 7}, then check it again.`);
  const text = paragraphs.join('\n\n');
  // Paragraph starts (where pieces start), each twice, and one position inside a word.
  const starts: number[] = [];
  for (let k = 0, at = 0; k < paragraphs.length; at += paragraphs[k].length + 2, k++) starts.push(at, at);
  const inside = text.indexOf('compute', 1000) + 3;
  const positions = [...starts, inside].sort((a, b) => a - b);
  const out = new Int32Array(positions.length);
  const batches: number[] = [];
  const hashes: number[] = [];
  const total = o.countAt(text, positions, out, {}, { addHashes: (h, n) => (batches.push(n), hashes.push(...h.subarray(0, n))) });
  assert.equal(total, o.count(text));
  positions.forEach((p, i) => {
    // A position inside a piece is credited to the piece's start.
    const expected = p === inside ? o.count(text.slice(0, text.lastIndexOf(' ', p))) : o.count(text.slice(0, p));
    assert.equal(out[i], expected, `position ${p}`);
  });
  assert.ok(batches.length > 1, 'the text spans several batches');
  // The same pieces, in the same order, whatever the batching: a second pass hands over the same hashes.
  const again: number[] = [];
  o.countAt(text, [], new Int32Array(0), {}, { addHashes: (h, n) => again.push(...h.subarray(0, n)) });
  assert.deepEqual(again, hashes);
  assert.ok(hashes.length > 1024);
});

test('a sampling sink gets exactly the hashes of its sample, in order', async () => {
  const { PIECE_SAMPLE_MIX } = await import('../../../src/core/tokens/bpe');
  const o = loadTokenizer('o200k_base');
  const text = Array.from({ length: 300 }, (_, k) => `Step ${k}: wait, ${k} × 3 = ${k * 3}; ${'long'.repeat(k % 30)} 中文 😀`).join('\n\n');
  const all: number[] = [];
  o.countAt(text, [], new Int32Array(0), {}, { addHashes: (h, n) => all.push(...h.subarray(0, n)) });
  const mask = 0xc0000000 | 0;
  const sampled: number[] = [];
  o.countAt(text, [], new Int32Array(0), {}, { addHashes: (h, n) => sampled.push(...h.subarray(0, n)), sampleMask: mask });
  const expected = all.filter((h) => (Math.imul(h, PIECE_SAMPLE_MIX) & mask) === 0);
  assert.deepEqual(sampled, expected);
  assert.ok(expected.length > 100 && expected.length < all.length / 2, `a quarter or so (${expected.length} of ${all.length})`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassRunPair, classRunLimit, PieceList, splitRange, splitStage, translatePattern, WHITE_SPACE } from '../../../src/core/tokens/pretokenize';

const pieces = (pattern: string, behavior: Parameters<typeof splitStage>[1], text: string, invert = false): string[] => {
  const flat = splitRange(splitStage(pattern, behavior, invert), text, 0, text.length);
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(text.slice(flat[i], flat[i + 1]));
  return out;
};

test("split behaviours follow the Hugging Face documentation's example ('-' on 'the-final--countdown')", () => {
  const t = 'the-final--countdown';
  assert.deepEqual(pieces('-', 'removed', t), ['the', 'final', 'countdown']);
  assert.deepEqual(pieces('-', 'isolated', t), ['the', '-', 'final', '-', '-', 'countdown']);
  assert.deepEqual(pieces('-', 'merged_with_previous', t), ['the-', 'final-', '-', 'countdown']);
  assert.deepEqual(pieces('-', 'merged_with_next', t), ['the', '-final', '-', '-countdown']);
  assert.deepEqual(pieces('-', 'contiguous', t), ['the', '-', 'final', '--', 'countdown']);
});

test('inverted split keeps the matches and treats the rest as delimiters', () => {
  assert.deepEqual(pieces('\\w+', 'removed', 'hello, big world', true), ['hello', 'big', 'world']);
});

test('Rust regex dialect is translated: case-insensitive groups, possessives, \\s, escapes', () => {
  const t = translatePattern("(?i:'s|'t)|\\p{N}{1,3}+| ?[^\\s\\p{L}]++|\\s+(?!\\S)|\\'");
  assert.equal(t.source, `(?:'[sS]|'[tT])|\\p{N}{1,3}| ?[^${WHITE_SPACE}\\p{L}]+|[${WHITE_SPACE}]+(?![^${WHITE_SPACE}])|'`);
  const re = new RegExp(t.source, 'u');
  assert.ok(re.test("'S"));
  assert.equal(translatePattern('\\d+').source, '\\p{Nd}+');
  assert.equal(translatePattern('(?>ab)c').source, '(?:ab)c');
  assert.equal(translatePattern('(?i)abc').ignoreCase, true);
});

test('patterns with anchors or other lookarounds are not scanned in place', () => {
  assert.equal(splitStage('\\s+(?!\\S)|\\s+', 'isolated').boundedSafe, true);
  assert.equal(splitStage('[$^]+|\\p{N}', 'isolated').boundedSafe, true);
  assert.equal(splitStage('\\s+$', 'isolated').boundedSafe, false);
  assert.equal(splitStage('a(?=b)', 'isolated').boundedSafe, false);
  assert.equal(splitStage('\\bword', 'isolated').boundedSafe, false);
});

/** Two split stages the regex way: the second applied to every piece of the first. */
function twoStages(a: ReturnType<typeof splitStage>, b: ReturnType<typeof splitStage>, text: string): number[] {
  const out: number[] = [];
  const first = splitRange(a, text, 0, text.length);
  for (let i = 0; i < first.length; i += 2) out.push(...splitRange(b, text, first[i], first[i + 1]));
  return out;
}

test("DeepSeek-V3's digit and CJK splits by hand equal the two regex splits, on any text", () => {
  const digits = splitStage('\\p{N}{1,3}');
  const cjk = splitStage('[一-龥぀-ゟ゠-ヿ]+');
  assert.equal(classRunLimit(digits), 3);
  assert.equal(classRunLimit(cjk), Infinity);
  assert.equal(classRunLimit(splitStage('\\p{N}{1,3}?')), 0);
  assert.equal(classRunLimit(splitStage('\\s+(?!\\S)')), 0);
  const pair = ClassRunPair.of(digits, cjk)!;
  // Digits of several scripts and widths (Arabic-Indic, fractions, superscripts, Roman numerals,
  // circled, ideographic zero, astral mathematical digits), CJK and kana, lone surrogates.
  const alphabet = ['1', '2', '0', '9', 'a', 'Z', ' ', '\n', '.', '٣', '½', '²', 'Ⅻ', '①', '〇', '𝟘', '𐄇', '中', '文', '龥', 'ひ', 'カ', 'ー', '\ud800', '\udc00', 'é', '😀', '-'];
  let seed = 12345;
  const rnd = (n: number): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const out = new PieceList();
  for (let k = 0; k < 3000; k++) {
    let text = '';
    for (let n = rnd(24); n > 0; n--) text += alphabet[rnd(alphabet.length)];
    assert.ok(pair.split(text, 0, text.length, out), JSON.stringify(text));
    assert.deepEqual(Array.from(out.a.subarray(0, out.n)), twoStages(digits, cjk, text), JSON.stringify(text));
  }
  // A sub-range is split as if it were the whole text.
  const text = 'ab 12345中文x';
  assert.ok(pair.split(text, 3, 9, out));
  assert.deepEqual(Array.from(out.a.subarray(0, out.n)), [3, 6, 6, 8, 8, 9]);
});

test('two one-class splits whose classes overlap are left to the regexes', () => {
  const pair = ClassRunPair.of(splitStage('\\p{N}+'), splitStage('[0-9a-f]+'))!;
  const out = new PieceList();
  assert.ok(pair.split('xyz', 0, 3, out));
  assert.equal(pair.split('x1', 0, 2, out), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRange, splitStage, translatePattern, WHITE_SPACE } from '../../../src/core/tokens/pretokenize';

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

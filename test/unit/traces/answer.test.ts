import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersMatch, extractAnswer, normalizeAnswer, referenceAnswer } from '../../../src/core/traces/answer';

test('the extractor says which rule found the answer, trying boxed, then a phrase, then the last number', () => {
  assert.deepEqual(pick(extractAnswer('So \\boxed{\\frac{1}{2}} and later \\boxed{3512}.')), ['3512', 'boxed']);
  assert.deepEqual(pick(extractAnswer('Nested \\boxed{\\sqrt{x^{2}}} here')), ['\\sqrt{x^{2}}', 'boxed']);
  assert.deepEqual(pick(extractAnswer('Hence the answer is 42.')), ['42', 'answer-phrase']);
  assert.deepEqual(pick(extractAnswer('**Final Answer:** Paris')), ['Paris', 'answer-phrase']);
  assert.deepEqual(pick(extractAnswer('The answer is 7 because 3 + 4 = 7 in every case')), ['7', 'answer-phrase']);
  assert.deepEqual(pick(extractAnswer('We get 12, then 15, finally 1,024')), ['1,024', 'last-number']);
  assert.equal(extractAnswer('no numbers at all'), undefined);
});

test('a box cut off by the length limit is skipped for an earlier complete one', () => {
  assert.deepEqual(pick(extractAnswer('\\boxed{7} ... \\boxed{8')), ['7', 'boxed']);
});

test('answers compare after normalization', () => {
  assert.equal(normalizeAnswer('$3,512.0$'), '3512');
  assert.equal(normalizeAnswer('\\text{Paris}.'), 'paris');
  assert.equal(normalizeAnswer('x = 5'), '5');
  assert.ok(answersMatch('\\dfrac{1}{2}', '0.5'));
  assert.ok(answersMatch('1/2', '\\frac{1}{2}'));
  assert.ok(answersMatch('90^\\circ', '90'));
  assert.ok(!answersMatch('12', '13'));
  assert.equal(referenceAnswer('Work... so the result is $\\boxed{2}$.'), '2');
});

function pick(a: ReturnType<typeof extractAnswer>): [string, string] | undefined {
  return a ? [a.value, a.rule] : undefined;
}

test('bare integers normalize as the general rules would normalize them', () => {
  let seed = 13;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  for (let t = 0; t < 5000; t++) {
    let x = rand(4) === 0 ? '-' : '';
    for (let k = 1 + rand(17); k > 0; k--) x += String(rand(10));
    // A space around it sends the same number through every rule.
    assert.equal(normalizeAnswer(x), normalizeAnswer(` ${x} `), x);
  }
});

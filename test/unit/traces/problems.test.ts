import { test } from 'node:test';
import assert from 'node:assert/strict';
import { problemStats, summarizeProblems } from '../../../src/core/traces/problems';

test('agreement, correct-vs-incorrect lengths, and the shorter-is-correct check', () => {
  const traces = [
    { problemId: 'p', thinking: 100, correct: true, answer: '12' },
    { problemId: 'p', thinking: 300, correct: true, answer: '12' },
    { problemId: 'p', thinking: 900, correct: false, answer: '13' },
    { problemId: 'p', thinking: 200, correct: false, answer: '14' },
  ];
  const s = problemStats('p', traces);
  assert.deepEqual(s.answers, [{ value: '12', count: 2 }, { value: '13', count: 1 }, { value: '14', count: 1 }]);
  assert.equal(s.majority, '12');
  assert.equal(s.agreement, 0.5);
  assert.equal(s.meanThinkingCorrect, 200);
  assert.equal(s.meanThinkingIncorrect, 550);
  // Pairs (100,900) (100,200) (300,900) win; (300,200) loses: 3 of 4.
  assert.equal(s.correctShorterShare, 0.75);
  assert.equal(s.shortestCorrect, true);
});

test('overview across problems weights pairs, ignores single traces for agreement', () => {
  const { problems, overview } = summarizeProblems([
    { problemId: 'a', thinking: 10, correct: true, answer: '1' },
    { problemId: 'a', thinking: 20, correct: false, answer: '2' },
    { problemId: 'b', thinking: 5, answer: '3' },
    { thinking: 7 },
  ]);
  assert.equal(problems.length, 2);
  assert.equal(overview.multiTrace, 1);
  assert.equal(overview.meanAgreement, 0.5);
  assert.equal(overview.correctShorterShare, 1);
  assert.equal(overview.pairs, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairSimilarities, problemStats, summarizeProblems, type ProblemInput } from '../../../src/core/traces/problems';
import { seededRandom } from '../../support/random';

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

test('similarities computed as traces arrive give exactly the summary computed at the end, small and sampled groups alike', () => {
  const rand = seededRandom(11);
  // Sketches drawn from a small pool of hashes, so pairs overlap by varying amounts.
  const sketch = (): Uint32Array => {
    const size = rand(8) === 0 ? rand(64) : 64;
    const set = new Set<number>();
    while (set.size < size) set.add(rand(400) * 10_000_019);
    return Uint32Array.from([...set].sort((a, b) => a - b));
  };
  const sizes = { a: 1, b: 2, c: 23, d: 89, e: 90, f: 130 };
  const inputs: ProblemInput[] = [];
  const left = new Map(Object.entries(sizes));
  while ([...left.values()].some((n) => n > 0)) {
    const open = [...left].filter(([, n]) => n > 0);
    const [id, n] = open[rand(open.length)];
    left.set(id, n - 1);
    const kind = rand(10);
    inputs.push({ problemId: id, thinking: rand(5000), correct: rand(3) === 0 ? undefined : rand(2) === 0, answer: String(rand(4)), sketch: kind === 0 ? undefined : kind === 1 ? new Uint32Array(0) : sketch() });
  }
  inputs.push({ thinking: 10, sketch: sketch() });
  const known = new Map<string, PairSimilarities>();
  for (const t of inputs) {
    if (t.problemId === undefined || !t.sketch || t.sketch.length === 0) continue;
    if (!known.has(t.problemId)) known.set(t.problemId, new PairSimilarities());
    known.get(t.problemId)!.add(t.sketch);
  }
  const sketchedIn = (id: string): number => inputs.filter((t) => t.problemId === id && t.sketch && t.sketch.length > 0).length;
  assert.equal(known.get('d')!.pairs, (sketchedIn('d') * (sketchedIn('d') - 1)) / 2, 'a group of 89 sketched traces or fewer keeps every pair');
  assert.ok(sketchedIn('f') > 90);
  assert.equal(known.get('f')!.pairs, 0, 'a bigger group is left to the sampled comparison');
  const atEnd = summarizeProblems(inputs);
  const asTheyCame = summarizeProblems(inputs, known);
  assert.deepEqual(asTheyCame, atEnd);
  assert.ok(atEnd.problems.filter((p) => p.similarity !== undefined).length >= 4);
});

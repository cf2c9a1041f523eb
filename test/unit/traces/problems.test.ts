import { test } from 'node:test';
import assert from 'node:assert/strict';
import { problemStats, summarizeProblems, type ProblemInput, type ProblemStats } from '../../../src/core/traces/problems';
import { sketchSimilarity } from '../../../src/core/traces/repetition';
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
  // A tie for shortest goes to the trace that came first.
  const tie = (first: boolean): boolean | undefined =>
    problemStats('q', [
      { thinking: 50, correct: first },
      { thinking: 80, correct: true },
      { thinking: 50, correct: !first },
      { thinking: 90, correct: false },
    ]).shortestCorrect;
  assert.equal(tie(true), true);
  assert.equal(tie(false), false);
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

/**
 * What the per-problem view reports, computed the plain way: the whole group at once, every pair
 * compared from the sketches, each trace against those before it (a sample of pairs past 4,000).
 * The summary folds traces in one at a time instead; the two must agree to the bit.
 */
function groupAtOnce(problemId: string, traces: readonly ProblemInput[], maxPairs = 2000): ProblemStats {
  const counts = new Map<string, number>();
  let withAnswer = 0;
  for (const t of traces) {
    if (t.answer === undefined || t.answer === '') continue;
    withAnswer++;
    counts.set(t.answer, (counts.get(t.answer) ?? 0) + 1);
  }
  const answers = [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const correct = traces.filter((t) => t.correct === true);
  const incorrect = traces.filter((t) => t.correct === false);
  const mean = (xs: readonly ProblemInput[]): number | undefined => (xs.length > 0 ? xs.reduce((s, t) => s + t.thinking, 0) / xs.length : undefined);
  let shorter: number | undefined;
  if (correct.length > 0 && incorrect.length > 0) {
    let wins = 0;
    for (const c of correct) for (const w of incorrect) wins += c.thinking < w.thinking ? 1 : c.thinking === w.thinking ? 0.5 : 0;
    shorter = wins / (correct.length * incorrect.length);
  }
  const judged = traces.filter((t) => t.correct !== undefined);
  const shortest = judged.length > 0 ? judged.reduce((a, b) => (b.thinking < a.thinking ? b : a)) : undefined;
  let similarity: number | undefined;
  const sketched = traces.filter((t) => t.sketch && t.sketch.length > 0);
  if (sketched.length > 1) {
    let sum = 0;
    let n = 0;
    const total = (sketched.length * (sketched.length - 1)) / 2;
    const step = Math.max(1, Math.floor(total / maxPairs));
    if (step === 1) {
      for (let j = 1; j < sketched.length; j++) for (let i = 0; i < j; i++) sum += sketchSimilarity(sketched[i].sketch!, sketched[j].sketch!);
      n = total;
    } else {
      let k = 0;
      for (let i = 0; i < sketched.length; i++) {
        for (let j = i + 1; j < sketched.length; j++) {
          if (k++ % step !== 0) continue;
          sum += sketchSimilarity(sketched[i].sketch!, sketched[j].sketch!);
          n++;
        }
      }
    }
    similarity = n > 0 ? sum / n : undefined;
  }
  return {
    problemId,
    traces: traces.length,
    answers,
    majority: answers[0]?.value,
    agreement: withAnswer > 0 ? answers[0].count / withAnswer : undefined,
    correct: correct.length,
    incorrect: incorrect.length,
    meanThinking: mean(traces) ?? 0,
    meanThinkingCorrect: mean(correct),
    meanThinkingIncorrect: mean(incorrect),
    correctShorterShare: shorter,
    shortestCorrect: correct.length > 0 && incorrect.length > 0 ? shortest?.correct : undefined,
    similarity,
  };
}

test('problems folded in trace by trace, groups interleaved, agree to the bit with each group computed at once, small and sampled groups alike', () => {
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
    // Thinking lengths from a narrow range, so ties between correct and incorrect traces occur.
    inputs.push({ problemId: id, thinking: rand(3) === 0 ? rand(40) : rand(5000), correct: rand(3) === 0 ? undefined : rand(2) === 0, answer: rand(6) === 0 ? undefined : String(rand(4)), sketch: kind === 0 ? undefined : kind === 1 ? new Uint32Array(0) : sketch() });
  }
  inputs.push({ thinking: 10, correct: true, sketch: sketch() });
  inputs.push({ thinking: 17, correct: false });
  const sketchedIn = (id: string): number => inputs.filter((t) => t.problemId === id && t.sketch && t.sketch.length > 0).length;
  assert.ok(sketchedIn('d') < 90 && sketchedIn('f') > 90, 'groups on both sides of comparing every pair (4,000 pairs)');
  const { problems, overview } = summarizeProblems(inputs);
  // Problems in the order they first appear.
  const ids = [...new Set(inputs.flatMap((t) => (t.problemId === undefined ? [] : [t.problemId])))];
  assert.equal(ids.length, Object.keys(sizes).length);
  assert.deepEqual(
    problems,
    ids.map((id) => groupAtOnce(id, inputs.filter((t) => t.problemId === id))),
  );
  assert.ok(problems.filter((p) => p.similarity !== undefined).length >= 4);
  assert.ok(problems.some((p) => p.correctShorterShare !== undefined && p.correctShorterShare !== 0 && p.correctShorterShare !== 1));
  const mean = (xs: number[]): number | undefined => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  assert.equal(overview.meanThinkingCorrect, mean(inputs.filter((t) => t.correct === true).map((t) => t.thinking)), 'traces without a problem count in the overview');
  assert.equal(overview.meanThinkingIncorrect, mean(inputs.filter((t) => t.correct === false).map((t) => t.thinking)));
  // problemStats over one group is the same fold.
  assert.deepEqual(problemStats('d', inputs.filter((t) => t.problemId === 'd')), problems[ids.indexOf('d')]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cheapestReaching, paretoFrontier, type Candidate } from '../../../src/core/recommend/testTime';
import { FastRandom } from '../../../src/core/tts/random';

const cand = (id: string, accuracy: number, tokens: number | null, halfWidth = 0.02): Candidate => ({
  id,
  model: id.split(':')[0],
  budget: null,
  strategy: 'maj@k',
  k: 1,
  accuracy,
  lo: accuracy - halfWidth,
  hi: accuracy + halfWidth,
  cost: { tokens, samples: 1 },
});

test('frontier: sorted by cost, strictly more accurate at each step, nothing on it dominated', () => {
  const r = new FastRandom(61);
  const all = Array.from({ length: 300 }, (_, i) => cand(`m:${i}`, r.next(), r.next() < 0.05 ? null : 1 + 1000 * r.next()));
  const f = paretoFrontier(all, 'tokens');
  for (let i = 1; i < f.length; i++) {
    assert.ok(f[i].cost.tokens! >= f[i - 1].cost.tokens!);
    assert.ok(f[i].accuracy > f[i - 1].accuracy);
  }
  for (const p of f) assert.ok(!all.some((q) => q.cost.tokens !== null && q.cost.tokens! < p.cost.tokens! && q.accuracy > p.accuracy));
  assert.ok(f.every((p) => p.cost.tokens !== null));
});

test('cheapest reaching the target, the cautious choice, and the nearest when none does', () => {
  const all = [cand('a', 0.6, 100), cand('b', 0.81, 400, 0.05), cand('c', 0.84, 900, 0.02), cand('d', 0.79, 300)];
  const rec = cheapestReaching(all, 0.8, 'tokens');
  assert.ok(rec.reached);
  if (rec.reached) {
    assert.equal(rec.choice.id, 'b');
    assert.equal(rec.confident?.id, 'c');
    assert.match(rec.statement, /Cheapest configuration reaching 80\.0%/);
  }
  const none = cheapestReaching(all, 0.9, 'tokens');
  assert.equal(none.reached, false);
  if (!none.reached) {
    assert.equal(none.nearest?.id, 'c');
    assert.match(none.statement, /No configuration in the data reaches 90\.0%/);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import type { FitOptions } from '../../../src/core/fit/types';
import { productGrid } from '../../../src/core/laws/law';
import { laws } from '../../../src/core/laws/registry';
import { cases, synthesize } from './synthetic';

/**
 * The property the intervals promise: on data generated from known parameters with noise, the
 * 95% bootstrap interval of every parameter of every law contains the true value in at least
 * 90% of seeds. 40 seeds per law, 100 resamples per fit, to keep the suite quick; the
 * Chinchilla multi-start uses a 32-point grid (the default 675 starts are tested elsewhere), and
 * Farseer, whose nine-parameter refits cost ten times the others', runs 20 seeds.
 */
const defaultSeeds = 40;
const resamples = 100;
const chinchillaStarts = productGrid([[1, Math.E], [Math.exp(5), Math.exp(10)], [Math.exp(5), Math.exp(10)], [0.3, 0.6], [0.3, 0.6]]);
const overrides: Record<string, { seeds?: number; options?: FitOptions }> = {
  chinchilla: { options: { starts: chinchillaStarts } },
  farseer: { seeds: 20 },
};

for (const law of laws) {
  test(`${law.id}: 95% intervals cover the true parameters in ≥ 90% of seeds`, (t) => {
    const c = cases[law.id];
    const seeds = overrides[law.id]?.seeds ?? defaultSeeds;
    const covered: Record<string, number> = Object.fromEntries(law.parameters.map((q) => [q.name, 0]));
    for (let s = 1; s <= seeds; s++) {
      const data = synthesize(law, c, 1000 + s);
      const r = fitLaw(law, data, { resamples, seed: s, ...overrides[law.id]?.options });
      assert.equal(r.ok, true, `seed ${s}: ${JSON.stringify(r.problems)}`);
      if (!r.ok) continue;
      for (const q of law.parameters) {
        const [lo, hi] = r.ci[q.name];
        if (lo <= c.truth[q.name] && c.truth[q.name] <= hi) covered[q.name]++;
      }
    }
    t.diagnostic(`coverage: ${law.parameters.map((q) => `${q.name} ${covered[q.name]}/${seeds}`).join(', ')}`);
    for (const q of law.parameters) {
      assert.ok(covered[q.name] >= 0.9 * seeds, `${q.name}: covered in ${covered[q.name]} of ${seeds} seeds`);
    }
  });
}

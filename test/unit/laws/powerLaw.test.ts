import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLaw } from '../../../src/core/laws/law';
import { kaplanC, kaplanN, kaplanND } from '../../../src/core/laws/kaplan';
import { powerLawD, purePowerLawN } from '../../../src/core/laws/powerLaw';

test('the scale needed for a target loss is the inverse of the law', () => {
  const cases = [
    { law: powerLawD, params: { E: 1.7, A: 2000, alpha: 0.3 }, target: 2.1 },
    { law: purePowerLawN, params: { A: 12, alpha: 0.07 }, target: 3 },
    { law: kaplanN, params: { N_c: 8.8e13, alpha_N: 0.076 }, target: 2.5 },
    { law: kaplanC, params: kaplanC.published!.params, target: 2.5 },
  ];
  for (const { law, params, target } of cases) {
    const d = law.derived[0];
    const x = d.compute(params, { target });
    const v = law.variables[0].name;
    assert.ok(Math.abs(evaluateLaw(law, { [v]: x }, params) / target - 1) < 1e-12, law.id);
  }
});

test('a target at or below the irreducible loss cannot be reached', () => {
  const d = powerLawD.derived[0];
  assert.ok(Number.isNaN(d.compute({ E: 1.7, A: 2000, alpha: 0.3 }, { target: 1.7 })));
  assert.ok(Number.isNaN(d.compute({ E: 1.7, A: 2000, alpha: 0.3 }, { target: 1.5 })));
});

test('Kaplan L(N, D) reduces to L(N) with unlimited data and to L(D) with unlimited size', () => {
  const p = kaplanND.published!.params;
  const N = 1e9;
  const D = 1e10;
  const noDataLimit = evaluateLaw(kaplanND, { N, D: 1e40 }, p);
  assert.ok(Math.abs(noDataLimit / Math.pow(p.N_c / N, p.alpha_N) - 1) < 1e-9);
  const noSizeLimit = evaluateLaw(kaplanND, { N: 1e40, D }, p);
  assert.ok(Math.abs(noSizeLimit / Math.pow(p.D_c / D, p.alpha_D) - 1) < 1e-9);
});

test('losses fall with scale for every power law', () => {
  const p = { E: 1.7, A: 2000, alpha: 0.3 };
  let previous = Infinity;
  for (let D = 1e8; D < 1e13; D *= 3) {
    const L = evaluateLaw(powerLawD, { D }, p);
    assert.ok(L < previous && L > p.E);
    previous = L;
  }
});

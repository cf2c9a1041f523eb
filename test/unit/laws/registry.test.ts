import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lawDeclarationProblems } from '../../../src/core/fit/model';
import { findLaw, laws } from '../../../src/core/laws/registry';

test('every registered law has a sound declaration', () => {
  for (const law of laws) assert.deepEqual(lawDeclarationProblems(law), [], law.id);
});

test('law ids are unique, even ignoring case', () => {
  const ids = laws.map((l) => l.id.toLowerCase());
  assert.equal(new Set(ids).size, ids.length);
});

test('every law says where it comes from and what it computes', () => {
  for (const law of laws) {
    assert.ok(law.citation.length > 0 && law.citation.every((c) => c.authors && c.year > 1900 && c.title), law.id);
    assert.ok(law.formula.text.length > 0 && law.formula.latex.length > 0, law.id);
    assert.ok(law.variables.length > 0, law.id);
    for (const q of law.parameters) assert.ok(law.formula.text.includes(q.name), `${law.id}: formula names ${q.name}`);
    for (const v of law.variables) assert.ok(law.formula.text.includes(v.name), `${law.id}: formula names ${v.name}`);
  }
});

test('findLaw ignores case and rejects unknown names', () => {
  assert.equal(findLaw('CHINCHILLA')?.id, 'chinchilla');
  assert.equal(findLaw('kaplan-nd')?.id, 'kaplan-ND');
  assert.equal(findLaw('no-such-law'), undefined);
});

test('published coefficients lie within the declared bounds', () => {
  for (const law of laws) {
    if (!law.published) continue;
    for (const q of law.parameters) {
      const v = law.published.params[q.name];
      assert.ok(v >= q.lower && v <= q.upper, `${law.id}.${q.name} = ${v}`);
    }
  }
});

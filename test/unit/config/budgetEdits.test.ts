import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeConfig, budgetEdits } from '../../../src/core/config';
import { stepLawOptimum } from '../../../src/core/laws/stepLaw';

const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'configs', 'train.yaml'), 'utf8');

function apply(src: string, edits: { range: { start: { offset: number }; end: { offset: number } }; newText: string }[]): string {
  let out = src;
  for (const e of [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset)) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

test('a planner recommendation becomes config edits: size from the architecture, steps for the budget, Step Law learning rate', () => {
  const before = analyzeConfig(text, 'yaml');
  const C = 1e21;
  const made = budgetEdits(before, 2.5e9, C);
  assert.ok('action' in made, JSON.stringify(made));
  const after = analyzeConfig(apply(text, made.action.edits), 'yaml');
  const N = after.plan.N.value!;
  const D = after.plan.D.value!;
  assert.ok(Math.abs(N - 2.5e9) / 2.5e9 < 0.15, `N = ${N}`);
  // Steps are whole numbers: the budget is spent to within one step's tokens.
  assert.ok(Math.abs(6 * N * D - C) / C < 0.01, `C = ${6 * N * D}`);
  assert.equal(after.plan.N.value, made.action.result!.N);
  const lr = after.plan.lr.value!;
  assert.ok(Math.abs(lr - stepLawOptimum(N, D).lr) / lr < 0.05);
  // Everything else is untouched.
  assert.equal(after.plan.seqLen.value, before.plan.seqLen.value);
  assert.match(apply(text, made.action.edits), /learning_rate: \d\.\de-4/);
});

test('a config whose size comes from a name cannot take a size edit, and says why', () => {
  const named = 'model:\n  name: lens-1.3b\ntraining:\n  max_steps: 1000\n  per_device_train_batch_size: 8\n  seq_length: 2048\n  learning_rate: 3.0e-4\n';
  const made = budgetEdits(analyzeConfig(named, 'yaml'), 5e9, 1e21);
  assert.ok('why' in made);
  assert.match(made.why, /size/);
});

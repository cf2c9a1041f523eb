import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalSampleSet } from '../../../src/core/ingest/evalSamples';
import { pricesForSamples } from '../../../src/core/tts/prices';

const set = (models: string[]): EvalSampleSet => ({ file: 'x.jsonl', format: 'jsonl-samples', samples: models.map((model, i) => ({ problemId: `p${i}`, model, line: i + 1 })), problems: [], notes: [] });

test('eval models are priced from the dated price table that prices traces; explicit prices win; unknown models stay unpriced', () => {
  const { prices, rows } = pricesForSamples([set(['gpt-4o-2024-08-06', 'my-local-model', 'qwq-32b'])], [], { 'qwq-32b': { input: 0.15, output: 0.6 } });
  assert.ok(prices['gpt-4o-2024-08-06'].output > prices['gpt-4o-2024-08-06'].input);
  assert.match(rows['gpt-4o-2024-08-06'], /^openai\/.*@\d{4}-\d{2}-\d{2}$/);
  assert.equal(prices['my-local-model'], undefined);
  assert.deepEqual(prices['qwq-32b'], { input: 0.15, output: 0.6 });
  assert.equal(rows['qwq-32b'], 'settings');
});

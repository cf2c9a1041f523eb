import assert from 'node:assert/strict';
import type { BpeTokenizer } from '../../../src/core/tokens/bpe';
import { corpus } from './corpus';
import type { Reference } from './reference';

/**
 * Asserts that `ours` counts (count-only path) and encodes every corpus sample exactly as the
 * reference does; reports the first few mismatches by name so a failure says where to look.
 */
export function assertMatchesReference(ours: BpeTokenizer, ref: Reference): { samples: number; tokens: number } {
  const bad: string[] = [];
  let tokens = 0;
  const samples = corpus();
  for (const s of samples) {
    const expected = ref.encode(s.text);
    const counted = ours.count(s.text);
    const encoded = ours.encode(s.text);
    tokens += counted;
    if (counted !== expected.length || encoded.length !== expected.length || encoded.some((id, i) => id !== expected[i])) {
      bad.push(`${s.name}: counted ${counted}, encoded ${encoded.length}, reference ${expected.length} (${JSON.stringify(s.text.slice(0, 60))})`);
    }
  }
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} of ${samples.length} samples differ from the reference`);
  // A second pass runs on the warm piece cache: still identical.
  for (const s of samples) assert.equal(ours.count(s.text), ref.encode(s.text).length, s.name);
  return { samples: samples.length, tokens };
}

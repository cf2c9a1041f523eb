import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { jsonSamplesReader } from '../../../src/core/ingest/evalSamples';
import { textSource } from '../../../src/core/ingest/source';
import { correctCounts } from '../../../src/core/tts/counts';
import { gradedProblems, passAtKEstimate } from '../../../src/core/tts/parallel';
import { buildTables } from '../../../src/core/tts/table';

const read = async (which: 'input' | 'output') => {
  const text = gunzipSync(readFileSync(join(__dirname, '../../fixtures/eval', `cruxeval-codellama-7b-${which}.json.gz`))).toString('utf8');
  return jsonSamplesReader.read(textSource(`sample_scored_codellama-7b_temp0.2_${which}.json`, text));
};

// The repository's own numbers (facebookresearch/cruxeval, samples/evaluation_results/):
// input 35.95 / 44.99, output 34.2125 / 40.2867, stored in each file as pass_at_1 / pass_at_5.
for (const [which, p1, p5] of [
  ['input', 35.95, 44.99],
  ['output', 34.2125, 40.2867],
] as const) {
  test(`CRUXEval ${which}: pass@1 and pass@5 from raw_scored_generations reproduce the repository's numbers`, async () => {
    const set = await read(which);
    const { tables } = buildTables(set.samples);
    assert.equal(tables.length, 1);
    const t = tables[0];
    const problems = gradedProblems(t);
    assert.equal(problems.length, 800);
    assert.ok(correctCounts(t).n.every((n) => n === 10));
    const pass = passAtKEstimate(t, 10, problems).curves.mean();
    assert.ok(Math.abs(100 * pass[0] - set.reported!.pass_at_1) < 1e-9, `${100 * pass[0]} vs ${set.reported!.pass_at_1}`);
    assert.ok(Math.abs(100 * pass[4] - set.reported!.pass_at_5) < 1e-9, `${100 * pass[4]} vs ${set.reported!.pass_at_5}`);
    assert.ok(Math.abs(100 * pass[0] - p1) < 5e-5 && Math.abs(100 * pass[4] - p5) < 5e-3);
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonlSamplesReader } from '../../../src/core/ingest/evalSamples';
import { textSource } from '../../../src/core/ingest/source';
import { analyzeTestTime } from '../../../src/core/tts/analyze';
import { FastRandom } from '../../../src/core/tts/random';
import { plannerViews, testTimeJson, testTimePanel } from '../../../src/core/tts/report';

/** Two models at four thinking budgets, 24 problems × 6 samples, with verifier scores, tokens, latency. */
function evalFile(): string {
  const r = new FastRandom(71);
  const lines: string[] = [];
  for (const model of ['small-1b', 'big-8b']) {
    for (const budget of [512, 1024, 2048, 4096]) {
      for (let p = 0; p < 24; p++) {
        const logit = (model === 'big-8b' ? 0.8 : -0.4) + 0.5 * Math.log2(budget / 512) + 3 * (0.5 - p / 24);
        const pc = 1 / (1 + Math.exp(-logit));
        for (let s = 0; s < 6; s++) {
          const ok = r.next() < pc;
          const think = Math.round(budget * (0.4 + 0.5 * r.next()));
          lines.push(JSON.stringify({ problem_id: p, sample_idx: s, model, thinking_budget: budget, pred: ok ? 'A' : 'BCD'[r.int(3)], gold: 'A', rm_score: (ok ? 0.65 : 0.4) + 0.3 * (r.next() - 0.5), reasoning_tokens: think, completion_tokens: think + 40, prompt_tokens: 200, latency: think / 80 }));
        }
      }
    }
  }
  lines.splice(3, 0, '{"problem_id": 0, oops}');
  return lines.join('\n');
}

const options = { resamples: 100, lawRefits: 20, cost: { prices: { 'small-1b': { input: 0.02, output: 0.1 }, 'big-8b': { input: 0.1, output: 0.6 } } } } as const;

/** One analysis shared by the tests below (each takes a few hundred milliseconds). */
const analysis = (async () => analyzeTestTime([await jsonlSamplesReader.read(textSource('evals.jsonl', evalFile()))], options))();

test('analysis → CLI JSON: curves by metric as {k, value, lo, hi}, laws, frontier, problems', async () => {
  const a = await analysis;
  assert.equal(a.configs.length, 8);
  const json = testTimeJson(a, 'dollars', 0.7);
  for (const metric of ['pass@k', 'pass^k', 'maj@k', 'bon@k', 'weighted-maj@k', 'bom@k', 'shortest@k', 'first-finish@k', 'verify@k']) {
    const pts = json.curves[metric];
    assert.ok(pts && pts.length === 6, metric);
    for (const p of pts) {
      assert.deepEqual(Object.keys(p), ['k', 'value', 'lo', 'hi']);
      assert.ok(p.lo <= p.value + 1e-12 && p.value <= p.hi + 1e-12 && p.lo >= 0 && p.hi <= 1);
    }
  }
  assert.ok(json.laws.some((l) => l.law === 'tts-coverage' && l.ok && l.ci.a && l.ci.b));
  assert.ok(json.frontier.length > 0 && json.frontier.every((c) => typeof c.cost.dollars === 'number'));
  assert.equal(json.settings.costAxis, 'dollars');
  assert.deepEqual(json.problems.map((p) => [p.line, p.code]), [[4, 'eval/bad-json']]);
  assert.equal(json.sequential.length, 2);
  assert.ok(json.sequential[0].laws.length === 2, 'power-law-ceiling and sigmoid fitted to four budgets');
  assert.ok(['tokens', 'dollars', 'flops', 'effective', 'latency', 'samples'].every((x) => a.axes.includes(x as never)));
  // Plain JSON: survives a round trip unchanged (no NaN, Infinity or typed arrays lost).
  assert.deepEqual(JSON.parse(JSON.stringify(json.curves)), json.curves);
});

test('deterministic: the same input and seed give the same analysis', async () => {
  const a = testTimeJson(await analysis);
  const b = testTimeJson(await analyzeTestTime([await jsonlSamplesReader.read(textSource('evals.jsonl', evalFile()))], options));
  assert.deepEqual(a, b);
});

test('panel: curves with bands and dashed laws, sequential, frontier, planner, headline table; finite points', async () => {
  const a = await analysis;
  const panel = testTimePanel(a, 'tokens', 0.75);
  const ids = panel.views.map((v) => v.id);
  assert.ok(ids.includes('tts-curves-0') && ids.includes('tts-sequential-0') && ids.includes('tts-frontier') && ids.includes('tts-recommendation') && ids.includes('tts-headline'));
  assert.ok(ids.some((id) => id.startsWith('tts-verifier')) && ids.some((id) => id.startsWith('tts-early-stop')) && ids.some((id) => id.startsWith('tts-allocation')));
  const curves = panel.views.find((v) => v.id === 'tts-curves-0');
  assert.ok(curves && curves.kind === 'chart');
  if (curves?.kind === 'chart') {
    assert.ok(curves.series.some((s) => s.kind === 'band' && s.upper && s.upper.length === s.points.length));
    assert.ok(curves.series.some((s) => s.dashed));
    assert.equal(curves.x.scale, 'log');
  }
  for (const v of panel.views) if (v.kind === 'chart') for (const s of v.series) for (const p of [...s.points, ...(s.upper ?? [])]) assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y), `${v.id} ${s.name}`);
  // The planner rebuilds for a new target in well under the 50 ms a slider allows.
  const t0 = performance.now();
  const views = plannerViews(a, 0.9, 'dollars');
  assert.ok(performance.now() - t0 < 50);
  assert.equal(views[0].id, 'tts-frontier');
});

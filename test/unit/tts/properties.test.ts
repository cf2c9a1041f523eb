import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalSample, EvalSampleSet } from '../../../src/core/ingest/evalSamples';
import { analyzeTestTime, type TestTimeAnalysis } from '../../../src/core/tts/analyze';
import { FastRandom } from '../../../src/core/tts/random';

/** 30 problems × 9 samples with answers, verifier scores, tokens and latency. */
function samples(seed: number): EvalSample[] {
  const r = new FastRandom(seed);
  const out: EvalSample[] = [];
  for (let p = 0; p < 30; p++) {
    const pc = r.next();
    for (let s = 0; s < 9; s++) {
      const ok = r.next() < pc;
      const answer = r.next() < 0.05 ? undefined : ok ? 'x' : String(r.int(3));
      out.push({ problemId: `p${p}`, sampleIndex: s, model: 'm', answer, reference: 'x', correct: answer === 'x', verifierScore: r.int(5) / 4, thinkingTokens: 100 + r.int(10) * 50, answerTokens: 20, latency: 1 + r.int(6), line: out.length + 1 });
    }
  }
  return out;
}

const set = (s: EvalSample[]): EvalSampleSet => ({ file: 'p.jsonl', format: 'test', samples: s, problems: [], notes: [] });
const run = (s: EvalSample[]) => analyzeTestTime([set(s)], { resamples: 50, lawRefits: 0, studies: false });
const curve = (a: TestTimeAnalysis, metric: string) => a.configs[0].curves.find((c) => c.metric === metric)!.points;

const EXACT = ['pass@k', 'pass^k', 'maj@k', 'bon@k', 'verify@k', 'shortest@k', 'first-finish@k'];
const SIMULATED = ['weighted-maj@k', 'bom@k', 'shortest-maj@k'];

test('every curve is bounded in [0, 1]; pass@k never falls with k and pass^k never rises', async () => {
  const a = await run(samples(81));
  for (const c of a.configs[0].curves) for (const p of c.points) assert.ok(p.value >= 0 && p.value <= 1 && p.lo >= 0 && p.hi <= 1, c.metric);
  const pass = curve(a, 'pass@k');
  const hat = curve(a, 'pass^k');
  for (let k = 1; k < pass.length; k++) {
    assert.ok(pass[k].value >= pass[k - 1].value - 1e-15);
    assert.ok(hat[k].value <= hat[k - 1].value + 1e-15);
  }
  // One sample: every exact strategy is the plain accuracy.
  for (const m of EXACT.filter((m) => m !== 'verify@k')) assert.ok(Math.abs(curve(a, m)[0].value - pass[0].value) < 1e-12, m);
});

test('invariant to sample order: exact curves identically, simulated ones within their noise', async () => {
  const s = samples(82);
  const shuffled = [...s];
  const r = new FastRandom(5);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  // Renumber within each problem so the recorded order changes too.
  const next = new Map<string, number>();
  for (const x of shuffled) {
    const k = next.get(x.problemId) ?? 0;
    x.sampleIndex = k;
    next.set(x.problemId, k + 1);
  }
  const a = await run(samples(82));
  const b = await run(shuffled);
  for (const m of EXACT) {
    const x = curve(a, m);
    const y = curve(b, m);
    for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k].value - y[k].value) < 1e-12, `${m} k=${k + 1}`);
  }
  for (const m of SIMULATED) {
    const x = curve(a, m);
    const y = curve(b, m);
    for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k].value - y[k].value) < 0.03, `${m} k=${k + 1}: ${x[k].value} vs ${y[k].value}`);
  }
});

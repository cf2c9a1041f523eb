/**
 * Config edit → new side-panel spec, in the core: parse the edited text, derive the plan,
 * predict with a fitted Chinchilla law (1,000 kept bootstrap resamples, as the default fit
 * settings keep), and build the panel spec. 200 edits of examples/configs/train.yaml, each
 * changing one value the way typing does (steps, learning rate, layers, width, batch; every
 * tenth edit leaves a number half-typed).
 *
 *   node --import tsx bench/config-update.ts [--edits 200] [--resamples 1000] [--warmup 20] [--numeric] [--json]
 *
 * --numeric: the same fit under another law id, so the frontier is found by numeric search
 * along iso-FLOP lines — the path every loss law other than Chinchilla takes.
 *
 * Target (issue 7): p95 < 100 ms through the real server; this measures the core part only (no
 * LSP transport, no webview). Also timed: the same plus diagnostics, every hover and the code
 * actions, which the server computes on the same version of the document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configCodeActions } from '../src/core/config/actions';
import { analyzeConfig } from '../src/core/config/analyze';
import { configDiagnostics } from '../src/core/config/diagnostics';
import { configHovers } from '../src/core/config/hover';
import { configPanel } from '../src/core/config/panel';
import { fitLaw } from '../src/core/fit/fitLaw';
import { createRandom } from '../src/core/fit/random';
import type { FitSuccess } from '../src/core/fit/types';
import { chinchilla } from '../src/core/laws/chinchilla';
import type { Law } from '../src/core/laws/law';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const edits = flag('--edits', 200);
const resamples = flag('--resamples', 1000);
const warmup = flag('--warmup', 20);
const asJson = args.includes('--json');
const numeric = args.includes('--numeric');

/** A sweep around Besiroglu et al.'s fitted values: 60 runs, 30M–3B parameters, 1% noise. */
function sweep(): { N: number[]; D: number[]; L: number[] } {
  const truth = { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 };
  const random = createRandom(7);
  const out = { N: [] as number[], D: [] as number[], L: [] as number[] };
  for (let i = 0; i < 60; i++) {
    const n = Math.exp(Math.log(3e7) + Math.log(100) * random.next());
    const d = Math.exp(Math.log(1e9) + Math.log(300) * random.next());
    out.N.push(n);
    out.D.push(d);
    out.L.push((truth.E + truth.A / n ** truth.alpha + truth.B / d ** truth.beta) * Math.exp(0.01 * random.normal()));
  }
  return out;
}

const fitStart = performance.now();
const fit = fitLaw(chinchilla, sweep(), { resamples, keepSamples: true, seed: 0 });
const fitMs = performance.now() - fitStart;
if (!fit.ok) throw new Error('the Chinchilla fit failed');
const law: Law = numeric ? { ...chinchilla, id: 'chinchilla-numeric' } : chinchilla;
const laws = { loss: { law, fit: { ...(fit as FitSuccess), law: law.id }, source: 'synthetic sweep' } };

const base = readFileSync(join(__dirname, '../examples/configs/train.yaml'), 'utf8');
const random = createRandom(1);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random.next() * xs.length)];

/** One edit as typing makes it: a value of one key replaced (sometimes half-typed). */
function edit(text: string, i: number): string {
  const half = i % 10 === 9;
  const change: [RegExp, string][] = [
    [/max_steps: \S+/, `max_steps: ${half ? '1' : 1000 * Math.round(4 + 40 * random.next())}`],
    [/learning_rate: \S+/, `learning_rate: ${half ? '3.0e-' : `${(1 + 9 * random.next()).toFixed(1)}e-4`}`],
    [/n_layers: \S+/, `n_layers: ${half ? '' : pick([12, 16, 20, 24, 28, 32])}`],
    [/hidden_size: \S+/, `hidden_size: ${pick([1024, 1536, 2048, 2560])}`],
    [/per_device_train_batch_size: \S+/, `per_device_train_batch_size: ${pick([4, 8, 16, 32])}`],
  ];
  const [re, replacement] = change[i % change.length];
  return text.replace(re, replacement);
}

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
}

let text = base;
const panelTimes: number[] = [];
const fullTimes: number[] = [];
let first = NaN;
let views = 0;
for (let i = 0; i < warmup + edits; i++) {
  text = edit(text, i);
  const t0 = performance.now();
  const analysis = analyzeConfig(text, 'yaml', { laws });
  const spec = configPanel(analysis, { source: 'train.yaml' });
  const t1 = performance.now();
  configDiagnostics(analysis, 'train.yaml');
  configHovers(analysis);
  configCodeActions(analysis);
  const t2 = performance.now();
  views += spec.views.length;
  if (i === 0) first = t1 - t0;
  if (i >= warmup) {
    panelTimes.push(t1 - t0);
    fullTimes.push(t2 - t0);
  }
}
panelTimes.sort((a, b) => a - b);
fullTimes.sort((a, b) => a - b);
const summary = {
  path: numeric ? 'numeric' : 'closed-form',
  edits,
  warmup,
  resamples: fit.bootstrap?.samples?.length ?? 0,
  fitMs: Number(fitMs.toFixed(1)),
  firstEditMs: Number(first.toFixed(2)),
  panel: { p50: quantile(panelTimes, 0.5), p95: quantile(panelTimes, 0.95), max: panelTimes[panelTimes.length - 1] },
  panelPlusEditorFeatures: { p50: quantile(fullTimes, 0.5), p95: quantile(fullTimes, 0.95), max: fullTimes[fullTimes.length - 1] },
  meanViews: views / (warmup + edits),
};
if (asJson) console.log(JSON.stringify(summary));
else {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`config edit → side-panel spec (core only), ${edits} edits of examples/configs/train.yaml after ${warmup} warm-up edits${numeric ? ' — numeric frontier path' : ''}`);
  console.log(`  Chinchilla fit with ${summary.resamples} kept resamples: ${ms(fitMs)} (once, not per edit)`);
  console.log(`  first edit (cold):                         ${ms(first)}`);
  console.log(`  parse + plan + predictions + panel spec:   p50 ${ms(summary.panel.p50)}  p95 ${ms(summary.panel.p95)}  max ${ms(summary.panel.max)}`);
  console.log(`  + diagnostics, all hovers, code actions:   p50 ${ms(summary.panelPlusEditorFeatures.p50)}  p95 ${ms(summary.panelPlusEditorFeatures.p95)}  max ${ms(summary.panelPlusEditorFeatures.max)}`);
  console.log(`  target through the real server: p95 < 100 ms (${summary.panel.p95 < 100 ? 'core part within it' : 'core part alone exceeds it'})`);
}

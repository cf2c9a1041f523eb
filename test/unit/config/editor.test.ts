import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configCodeActions, type ConfigCodeAction } from '../../../src/core/config/actions';
import { analyzeConfig, type ConfigAnalysisOptions } from '../../../src/core/config/analyze';
import { configDiagnostics } from '../../../src/core/config/diagnostics';
import { configFormatOf, parseConfig, type ConfigFormat } from '../../../src/core/config/document';
import { configHovers, escapeMarkdown, hoverAt } from '../../../src/core/config/hover';
import { configPanel } from '../../../src/core/config/panel';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { percentileInterval } from '../../../src/core/fit/quantile';
import type { FitSuccess } from '../../../src/core/fit/types';
import { chinchilla } from '../../../src/core/laws/chinchilla';
import { namedParams, type Law } from '../../../src/core/laws/law';
import { lrAnnealing } from '../../../src/core/laws/lrAnnealing';
import { cases, synthesize } from '../fit/synthetic';
import { applyEdits, fittedChinchilla, fixture } from './support';

const trainYaml = readFileSync(join(__dirname, '../../../examples/configs/train.yaml'), 'utf8');
const fit = fittedChinchilla();
const laws = { loss: { law: chinchilla, fit, source: 'synthetic sweep' } };
const analyze = (text: string, format: ConfigFormat = 'yaml', options: ConfigAnalysisOptions = {}) => analyzeConfig(text, format, { laws, ...options });

/** Hoffmann et al.'s eq. 4, written out here rather than taken from the code under test. */
function optimum(p: Record<string, number>, C: number) {
  const s = p.alpha + p.beta;
  const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
  const N = G * Math.pow(C / 6, p.beta / s);
  const D = C / (6 * N);
  return { N, D, L: p.E + p.A / N ** p.alpha + p.B / D ** p.beta };
}
const lossAt = (p: Record<string, number>, N: number, D: number) => p.E + p.A / N ** p.alpha + p.B / D ** p.beta;
const near = (a: number | null | undefined, b: number, rel: number, what: string) => assert.ok(a !== null && a !== undefined && Math.abs(a / b - 1) < rel, `${what}: ${a} vs ${b}`);

test('predicted loss, frontier position and Step Law optimum match the closed forms, intervals from the resamples', () => {
  const a = analyze(trainYaml);
  const N = a.plan.N.value!;
  const D = a.plan.D.value!;
  const C = 6 * N * D;
  const p = fit.params;
  const draws = fit.bootstrap!.samples!.map((s) => namedParams(chinchilla, s));
  const A = a.assessment;
  near(A.loss!.value, lossAt(p, N, D), 1e-12, 'plan loss');
  const ci = percentileInterval(draws.map((q) => lossAt(q, N, D)), 0.95)!;
  near(A.loss!.ci![0], ci[0], 1e-12, 'loss ci lo');
  near(A.loss!.ci![1], ci[1], 1e-12, 'loss ci hi');
  const o = optimum(p, C);
  const f = A.frontier!;
  near(f.C, C, 1e-12, 'C');
  near(f.N.value, o.N, 1e-9, 'N*');
  near(f.D.value, o.D, 1e-9, 'D*');
  near(f.factor.value, D / N / (o.D / o.N), 1e-9, 'factor');
  near(f.penalty.value, lossAt(p, N, D) - o.L, 1e-6, 'penalty');
  const penalties = draws.map((q) => lossAt(q, N, D) - optimum(q, C).L);
  assert.ok(penalties.every((x) => x >= -1e-12), 'the optimum is never worse than the plan at the same compute');
  const pci = percentileInterval(penalties, 0.95)!;
  near(f.penalty.ci![1], pci[1], 1e-6, 'penalty ci');
  // The tokens at which this N is itself compute-optimal: the optimum there has exactly this N.
  near(optimum(p, 6 * N * f.tokensForSize!).N, N, 1e-9, 'tokens for size');
  // Step Law, published: η* = 1.79·N^−0.713·D^0.307 (non-embedding N), B* = 0.58·D^0.571 tokens.
  const nNonEmb = a.plan.nonEmbeddingN.value!;
  near(A.stepLaw!.lr.value, 1.79 * nNonEmb ** -0.713 * D ** 0.307, 1e-12, 'Step Law lr');
  near(A.stepLaw!.batchTokens.value, 0.58 * D ** 0.571, 1e-12, 'Step Law batch');
  near(A.stepLaw!.lrFactor, 3e-4 / (1.79 * nNonEmb ** -0.713 * D ** 0.307), 1e-12, 'lr factor');
  assert.deepEqual(JSON.parse(JSON.stringify(A)), A);
});

test('any loss law over N and D goes through the numeric frontier and agrees with the closed form', () => {
  const numeric: Law = { ...chinchilla, id: 'chinchilla-numeric' };
  const copy: FitSuccess = { ...fit, law: 'chinchilla-numeric' };
  const a = analyzeConfig(trainYaml, 'yaml', { laws: { loss: { law: numeric, fit: copy } }, maxSamples: 30 });
  const b = analyzeConfig(trainYaml, 'yaml', { laws, maxSamples: 30 });
  near(a.assessment.frontier!.N.value, b.assessment.frontier!.N.value!, 1e-5, 'N*');
  near(a.assessment.frontier!.penalty.value, b.assessment.frontier!.penalty.value!, 1e-3, 'penalty');
  near(a.assessment.frontier!.tokensForSize, b.assessment.frontier!.tokensForSize!, 1e-5, 'tokens for size');
  near(a.assessment.frontier!.N.ci![0], b.assessment.frontier!.N.ci![0], 1e-5, 'N* ci');
});

function applyAction(text: string, format: ConfigFormat, action: ConfigCodeAction) {
  assert.equal(action.disabled, undefined, action.disabled);
  const edited = applyEdits(text, action.edits);
  const reparsed = parseConfig(edited, format);
  assert.deepEqual(reparsed.problems, []);
  for (const [path, value] of Object.entries(action.values)) assert.equal(reparsed.byPath.get(path)?.value, value, path);
  // Nothing but the edited values changed: same keys, same values elsewhere.
  const before = parseConfig(text, format);
  assert.deepEqual(reparsed.keys.map((k) => k.path), before.keys.map((k) => k.path));
  for (const k of before.keys) if (!(k.path in action.values)) assert.deepEqual(reparsed.byPath.get(k.path)?.value, k.value, k.path);
  return edited;
}

test('code actions on train.yaml: each edit re-parses to the values it names and moves the plan where it says', () => {
  const a = analyze(trainYaml);
  const actions = configCodeActions(a);
  const byId = (id: string) => actions.filter((x) => x.id === id);
  const C = a.assessment.frontier!.C;

  const [viaLayers, viaWidth] = byId('config/compute-optimal-split');
  assert.match(viaLayers.title, /n_layers 24 → \d+/);
  const edited = applyAction(trainYaml, 'yaml', viaLayers);
  const after = analyze(edited);
  // The split keeps the budget (up to the rounding of layers and steps) and lands next to the optimum.
  near(after.plan.C.value, C, 0.01, 'budget kept');
  near(after.plan.N.value, a.assessment.frontier!.N.value!, 0.05, 'N near N*');
  assert.ok(after.assessment.frontier!.penalty.value! <= a.assessment.frontier!.penalty.value! + 1e-9);
  assert.match(viaWidth.title, /hidden_size 2048 → \d+, n_heads 16 → \d+; head size 128 kept/);
  const widened = analyze(applyAction(trainYaml, 'yaml', viaWidth));
  near(widened.plan.N.value, a.assessment.frontier!.N.value!, 0.08, 'N near N* by width');

  const [tokens] = byId('config/optimal-tokens-for-size');
  const t = analyze(applyAction(trainYaml, 'yaml', tokens));
  assert.equal(t.plan.N.value, a.plan.N.value);
  near(t.assessment.frontier!.factor.value, 1, 0.01, 'on the frontier after the tokens edit');

  const [lr] = byId('config/step-law-lr');
  const lrText = applyAction(trainYaml, 'yaml', lr);
  // The file's style: `3.0e-4` stays an exponent with one decimal.
  assert.match(lrText, /learning_rate: \d\.\de-4\n/);
  near(analyze(lrText).plan.lr.value, a.assessment.stepLaw!.lr.value!, 0.06, 'lr at the optimum (2 digits)');

  const [batch] = byId('config/step-law-batch');
  const b = analyze(applyAction(trainYaml, 'yaml', batch));
  assert.ok(Object.keys(batch.values).includes('training.gradient_accumulation_steps'));
  near(b.plan.D.value, a.plan.D.value!, 0.01, 'tokens kept by the batch edit');
  const ratio = b.plan.batchTokens.value! / a.assessment.stepLaw!.batchTokens.value!;
  assert.ok(ratio > 1 / 1.6 && ratio < 1.6, `batch near the optimum (×${ratio})`);
});

test('code actions keep TOML and JSON number styles, and say when a size edit is not expressible', () => {
  const toml = fixture('torchtitan-llama3-8b.toml');
  const a = analyze(toml, 'toml', { inputs: { devices: 64 } });
  const actions = configCodeActions(a);
  const split = actions.find((x) => x.id === 'config/compute-optimal-split')!;
  assert.ok(split.disabled, 'no size edit for a flavor');
  assert.match(split.disabled!, /not expressible in this config/);
  assert.equal(split.edits.length, 0);
  const tokens = actions.find((x) => x.id === 'config/optimal-tokens-for-size')!;
  const editedToml = applyAction(toml, 'toml', tokens);
  // `steps = 1_000` keeps its digit separators.
  assert.match(editedToml, /\nsteps = \d{1,3}(_\d{3})+\n/);
  const lr = actions.find((x) => x.id === 'config/step-law-lr')!;
  assert.match(applyAction(toml, 'toml', lr), /\nlr = \d(\.\d)?e-\d\n/);

  const json = fixture('hf-tinyllama.json');
  const j = analyze(json, 'json');
  const jl = configCodeActions(j).find((x) => x.id === 'config/step-law-lr')!;
  // `0.0004` stays fixed-point.
  assert.match(applyAction(json, 'json', jl), /"learning_rate": 0\.00\d+,/);
  const js = configCodeActions(j).find((x) => x.id === 'config/compute-optimal-split')!;
  const widened = applyAction(json, 'json', js);
  assert.doesNotThrow(() => JSON.parse(widened));

  const meg = fixture('megatron-gpt.yaml');
  const m = analyze(meg);
  const mt = configCodeActions(m).find((x) => x.id === 'config/optimal-tokens-for-size')!;
  assert.deepEqual(Object.keys(mt.values), ['train_samples']);
  near(analyze(applyAction(meg, 'yaml', mt)).assessment.frontier!.factor.value, 1, 0.01, 'Megatron on the frontier');
  const mb = configCodeActions(m).find((x) => x.id === 'config/step-law-batch')!;
  assert.deepEqual(Object.keys(mb.values), ['global_batch_size']);
  assert.equal(mb.values.global_batch_size % 2, 0, 'a multiple of the micro-batch');
});

test('size edits: depth and width together when the optimum is far, heads kept a multiple of the KV heads, N as promised', () => {
  for (const name of ['megatron-gpt.yaml', 'hf-tinyllama.json', 'nemo-gpt.yaml']) {
    const format = configFormatOf(name)!;
    const text = fixture(name);
    const a = analyze(text, format);
    const target = a.assessment.frontier!.N.value!;
    const splits = configCodeActions(a).filter((x) => x.id === 'config/compute-optimal-split');
    assert.ok(splits.length > 0, name);
    for (const s of splits) {
      const after = analyze(applyAction(text, format, s), format);
      // What the title promises is what the edited config counts to (Megatron's default MLP width follows the width).
      assert.equal(after.plan.N.value, s.result!.N, `${name}: ${s.title}`);
      near(after.plan.D.value, s.result!.D, 1e-12, `${name}: D`);
      assert.ok(Math.abs(Math.log(s.result!.N / target)) < Math.log(1.25), `${name}: N near N*`);
      near(after.plan.C.value, a.plan.C.value!, 0.02, `${name}: budget kept`);
    }
  }
  // Megatron's optimum is 11× its size: neither depth nor width alone gets there in reach, both together do.
  const m = configCodeActions(analyze(fixture('megatron-gpt.yaml'))).filter((x) => x.id === 'config/compute-optimal-split');
  assert.equal(m.length, 1);
  assert.deepEqual(Object.keys(m[0].values).sort(), ['language_model.hidden_size', 'language_model.num_attention_heads', 'language_model.num_layers', 'train_samples']);
  const tiny = configCodeActions(analyze(fixture('hf-tinyllama.json'), 'json')).filter((x) => x.id === 'config/compute-optimal-split');
  for (const s of tiny) {
    const heads = s.values['model.num_attention_heads'];
    if (heads !== undefined) assert.equal(heads % 4, 0, 'grouped-query attention: heads stay a multiple of the 4 KV heads');
  }
});

test('a range selects the actions about the key under the cursor', () => {
  const a = analyze(trainYaml);
  const lrKey = a.config.byPath.get('training.learning_rate')!;
  const ids = configCodeActions(a, lrKey.keyRange).map((x) => x.id);
  assert.deepEqual(ids, ['config/step-law-lr']);
});

test('diagnostics: information or warning, never an error, with thresholds as options', () => {
  const names = ['torchtitan-llama3-8b.toml', 'megatron-gpt.yaml', 'nemo-gpt.yaml', 'axolotl-qwen.yml', 'axolotl-pretrain.yaml', 'hf-tinyllama.json'];
  for (const name of names) {
    const a = analyze(fixture(name), configFormatOf(name)!);
    for (const t of [{}, { frontierFactor: 1.01, lrFactor: 1.01, batchFactor: 1.01, frontierWarningPenalty: 0 }]) {
      for (const d of configDiagnostics(a, name, t)) {
        assert.ok(d.severity === 'info' || d.severity === 'warning', `${name}: ${d.code} is ${d.severity}`);
        assert.ok(d.line >= 1 && d.column >= 1);
      }
    }
  }
  // Ten times the steps: far more tokens per parameter than optimal; the message gives factor and penalty with its interval.
  const over = analyze(trainYaml.replace('max_steps: 12000', 'max_steps: 120000'));
  const d = configDiagnostics(over, 'train.yaml').find((x) => x.code === 'config/frontier')!;
  assert.match(d.message, /^\d+(\.\d+)?× more tokens per parameter than compute-optimal at this budget \(.+\); predicted loss \+\d\.\d+ \[[+−-]?\d\.\d+, \+\d\.\d+\]/);
  assert.equal(d.line, over.config.byPath.get('training.max_steps')!.keyRange.start.line + 1);
  assert.equal(configDiagnostics(over, 'train.yaml', { frontierFactor: 100 }).some((x) => x.code === 'config/frontier'), false);
  const warn = configDiagnostics(over, 'train.yaml', { frontierWarningPenalty: 0 }).find((x) => x.code === 'config/frontier')!;
  assert.equal(warn.severity, 'warning');
  // The learning rate and batch of train.yaml are off the Step Law by more than 2×: notes on those keys.
  const base = configDiagnostics(analyze(trainYaml), 'train.yaml');
  assert.deepEqual(base.map((x) => x.code).sort(), ['config/step-law-batch', 'config/step-law-lr']);
  // Epochs without a dataset size, and no GPU count: said where they are.
  const ax = configDiagnostics(analyze(fixture('axolotl-qwen.yml')), 'axolotl-qwen.yml').map((x) => x.code);
  assert.ok(ax.includes('config/tokens-unknown') && ax.includes('config/devices-assumed'));
});

test('hovers: every recognised key has one, and text from the file is escaped', () => {
  const a = analyze(trainYaml);
  const hovers = configHovers(a);
  assert.deepEqual(hovers.map((h) => h.path).sort(), a.plan.recognised.map((r) => r.path).sort());
  const steps = hoverAt(a, trainYaml.indexOf('max_steps') + 1)!;
  assert.equal(steps.path, 'training.max_steps');
  assert.match(steps.markdown, /Training tokens D = \*\*25\.2B\*\*/);
  assert.match(steps.markdown, /predicted final loss \| \d\.\d{3} \\\[\d\.\d{3}, \d\.\d{3}\\\]/);
  assert.match(steps.markdown, /GPU-hours/);
  assert.match(hoverAt(a, trainYaml.indexOf('3.0e-4') + 1)!.markdown, /optimal peak learning rate/);

  const evil = 'model:\n  name: "<img src=x onerror=alert(1)> [click](http://evil.example) **lens-1.3b**"\ntraining:\n  max_steps: 100\n';
  const e = analyze(evil);
  const h = hoverAt(e, evil.indexOf('name') + 1)!;
  assert.ok(h, 'the name is recognised (it carries a size)');
  assert.ok(!h.markdown.includes('<img'), 'no raw HTML');
  assert.ok(!/[^\\]\]\(/.test(h.markdown), 'no link syntax');
  assert.ok(!h.markdown.includes('**lens'), 'no emphasis from the file');
  assert.equal(escapeMarkdown('a_b*c[d](e)<f>'), 'a\\_b\\*c\\[d\\]\\(e\\)&lt;f&gt;');
});

test('side panel: frontier, iso-FLOP profile and loss-vs-tokens charts with bands and the plan\'s point; plain JSON', () => {
  const a = analyze(trainYaml);
  const spec = configPanel(a, { source: 'train.yaml' });
  assert.deepEqual(spec.views.map((v) => v.id), ['config-frontier', 'config-isoflop', 'config-loss-vs-tokens', 'config-plan']);
  const frontier = spec.views[0];
  assert.ok(frontier.kind === 'chart');
  const plan = frontier.series.find((s) => s.name === 'this config')!;
  near(plan.points[0].x, a.assessment.frontier!.C, 1e-12, 'plan at its compute');
  near(plan.points[0].y, a.assessment.loss!.value!, 1e-12, 'plan at its loss');
  const bandSeries = frontier.series.find((s) => s.kind === 'band')!;
  assert.ok(bandSeries.points.every((p, i) => p.y <= bandSeries.upper![i].y));
  const line = frontier.series.find((s) => s.name === 'compute-optimal frontier')!;
  for (let i = 1; i < line.points.length; i++) assert.ok(line.points[i].y < line.points[i - 1].y, 'the frontier falls with compute');
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);

  // Without a law: the plan table and a message, no charts.
  const bare = configPanel(analyzeConfig(trainYaml, 'yaml'));
  assert.deepEqual(bare.views.map((v) => v.id), ['config-plan']);
  assert.ok(bare.messages?.some((m) => /No fitted loss law/.test(m.text)));
});

test('with an LR-annealing fit, the panel draws the loss curve under the config\'s own schedule', () => {
  const data = synthesize(lrAnnealing, cases['lr-annealing'], 3);
  const curveFit = fitLaw(lrAnnealing, data, { resamples: 40, keepSamples: true, seed: 2 });
  assert.ok(curveFit.ok);
  const a = analyzeConfig(trainYaml, 'yaml', { laws: { ...laws, annealing: { fit: curveFit, source: 'two logged curves' } } });
  const curve = a.assessment.curve!;
  assert.equal(curve.step[curve.step.length - 1], 12000);
  assert.equal(curve.step[0], 1);
  assert.ok(curve.final.value !== null && curve.final.ci !== null);
  const spec = configPanel(a);
  assert.ok(spec.views.some((v) => v.id === 'config-loss-curve'));
  assert.ok(!spec.views.some((v) => v.id === 'config-loss-vs-tokens'));
});

test('typing never breaks anything: every prefix of every fixture analyses without throwing or erroring', () => {
  const names = ['torchtitan-llama3-8b.toml', 'megatron-gpt.yaml', 'nemo-gpt.yaml', 'axolotl-qwen.yml', 'hf-tinyllama.json'];
  for (const name of names) {
    const text = fixture(name);
    const format = configFormatOf(name)!;
    for (let i = 1; i <= 24; i++) {
      const prefix = text.slice(0, Math.round((text.length * i) / 24));
      const a = analyzeConfig(prefix, format, { laws, maxSamples: 20 });
      for (const d of configDiagnostics(a, name)) assert.notEqual(d.severity as string, 'error');
      configHovers(a);
      for (const action of configCodeActions(a)) if (!action.disabled) applyEdits(prefix, action.edits);
      assert.deepEqual(JSON.parse(JSON.stringify(configPanel(a, { maxBandSamples: 20 }))).title, 'Training config');
    }
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'run-logs');

/** The built CLI, run as users run it. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), ...args], { encoding: 'utf8', cwd: repo });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('analyze prints what it found and every problem as file:line:column, exit 1 on problems', () => {
  const r = cli('analyze', join(fixtures, 'bad-rows.csv'));
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bad-rows\.csv: CSV \/ TSV run log: 5 rows, 4 columns \(3 numeric\), 3 problems/);
  assert.match(r.stdout, /chart: loss vs tokens \(3 points, log x, log y\)/);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /bad-rows\.csv:3:11: error: Column 'loss' expects a number, found 'abc'/);
});

test('analyze --json is one machine-readable object with located problems', () => {
  const r = cli('analyze', fixtures, '--json');
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as { files: { file: string; format: string; rows: number }[]; problems: { line: number; code: string }[] };
  assert.deepEqual(out.files.map((f) => [f.file.split('/').pop(), f.format]), [['bad-rows.csv', 'csv'], ['lightning-metrics-head.csv', 'csv']]);
  assert.equal(out.files[1].rows, 299);
  assert.deepEqual(out.problems.map((p) => p.line), [3, 4, 5]);
});

test('a clean file exits 0; axes can be chosen by column name', () => {
  const r = cli('analyze', join(fixtures, 'lightning-metrics-head.csv'), '--x', 'step', '--y', 'train_loss_step');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /chart: train_loss_step vs step \(\d+ points, linear x, log y\)/);
});

test('usage errors exit 2 with a message on stderr', () => {
  assert.equal(cli().code, 2);
  const unknown = cli('frobnicate', fixtures);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const missing = cli('analyze', join(fixtures, 'nope.csv'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder/);
  assert.equal(cli('report', fixtures).code, 2);
  assert.equal(cli('analyze', '--bogus').code, 2);
});

test('report writes one HTML file with the charts embedded', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sl-cli-')), 'r.html');
  const r = cli('report', fixtures, '-o', out);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Wrote .*r\.html: 2 charts from 2 files/);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /Content-Security-Policy/);
  assert.match(html, /id="scaling-lens-data"/);
});

test('fit prints each law with intervals, the comparison and the frontier; --json has the documented keys', () => {
  const sweep = join(repo, 'test', 'fixtures', 'sweeps', 'chinchilla-sweep.csv');
  const text = cli('fit', sweep, '--resamples', '100');
  assert.equal(text.code, 1, 'the diverged row is an input problem');
  assert.match(text.stdout, /chinchilla {2}\(recommended\)/);
  assert.match(text.stdout, /alpha +0\.\d+ +95% CI \[0\.\d+, 0\.\d+\]/);
  assert.match(text.stdout, /compute-optimal frontier \(chinchilla, C = 6·N·D\)/);
  const json = JSON.parse(cli('fit', sweep, '--law', 'chinchilla', '--json', '--resamples', '50').stdout);
  for (const key of ['law', 'params', 'ci', 'objective', 'converged', 'n_points', 'problems']) assert.ok(key in json, key);
  assert.equal(json.law, 'chinchilla');
  assert.deepEqual(Object.keys(json.params), ['E', 'A', 'B', 'alpha', 'beta']);
  assert.equal(json.n_points, 25);
  assert.ok(json.objective > 0 && json.objective < 1e-3);
  assert.equal(json.problems[0].line, 15);
});

test('fit takes a formula and --map; unknown laws and bad formulas are located problems', () => {
  const sweep = join(repo, 'test', 'fixtures', 'sweeps', 'chinchilla-sweep.csv');
  const custom = JSON.parse(cli('fit', sweep, '--law', 'E + A/N^a + B/D^b', '--map', 'N=params', '--json', '--resamples', '0').stdout);
  assert.equal(custom.law, 'custom');
  assert.deepEqual(Object.keys(custom.params), ['E', 'A', 'a', 'B', 'b']);
  assert.deepEqual(custom.mapping.find((m: { variable: string }) => m.variable === 'N'), { variable: 'N', column: 'params', how: 'mapped' });
  const bad = cli('fit', sweep, '--law', 'nope');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown law 'nope'/);
  assert.equal(cli('fit', sweep, '--map', 'N').code, 2);
});

test('a folder of runs from different trackers is one sweep with every run accounted for', () => {
  const r = cli('sweep', join(repo, 'test', 'fixtures', 'logs', 'real'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 points from 4 runs/);
  assert.match(r.stdout, /hf-trainer-state.*N 4\.231e8/);
  assert.match(r.stdout, /D: steps × batch × sequence length = 5490 × 6 × 1024/);
  assert.equal(cli('sweep', join(fixtures, 'bad-rows.csv')).code, 2);
});

test('tts prints curves with intervals and the recommendation; --json has curves, laws, frontier and problems', () => {
  const file = join(repo, 'test', 'fixtures', 'eval', 'generated-samples.jsonl');
  const text = cli('tts', file, '--resamples', '200');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /pass@k +k=1 \d+\.\d% \[\d+\.\d%, \d+\.\d%\]/);
  assert.match(text.stdout, /Cheapest configuration reaching 80\.0%|No configuration in the data reaches 80\.0%/);
  const json = JSON.parse(cli('tts', file, '--json', '--resamples', '100').stdout);
  for (const key of ['curves', 'laws', 'frontier', 'problems']) assert.ok(key in json, key);
  for (const metric of ['pass@k', 'maj@k', 'pass^k']) {
    const curve = json.curves[metric] as { k: number; value: number; lo: number; hi: number }[];
    assert.ok(curve.length >= 8, metric);
    for (const p of curve) assert.ok(p.lo <= p.value + 1e-12 && p.value <= p.hi + 1e-12 && p.value >= 0 && p.value <= 1, `${metric} k=${p.k}`);
  }
});

test('plan answers with the cheapest configuration, or says none reaches the target (exit 1)', () => {
  const file = join(repo, 'test', 'fixtures', 'eval', 'generated-samples.jsonl');
  const ok = cli('plan', file, '--target', '0.5', '--cost', 'tokens', '--resamples', '100');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^Cheapest configuration reaching 50\.0%: .* tokens per problem/);
  // Two of five problems are ever solved: 80% is out of reach.
  const hard = join(mkdtempSync(join(tmpdir(), 'sl-plan-')), 'hard.jsonl');
  const rows = [];
  for (let p = 0; p < 5; p++) for (let k = 0; k < 4; k++) rows.push(JSON.stringify({ problem_id: `p${p}`, sample: k, model: 'm', correct: p < 2 && k % 2 === 0, thinking_tokens: 100 + k, answer_tokens: 10 }));
  writeFileSync(hard, rows.join('\n') + '\n');
  const none = cli('plan', hard, '--target', '0.8', '--resamples', '100');
  assert.equal(none.code, 1, none.stdout + none.stderr);
  assert.match(none.stdout, /No configuration in the data reaches 80\.0%\. The nearest is .* at 40\.0%/);
  assert.equal(cli('plan', file).code, 2);
  assert.equal(cli('plan', file, '--target', '0.8', '--cost', 'bananas').code, 2);
});

test('tokens counts per record in the model\'s own tokenizer; traces says what the thinking did', () => {
  const file = join(repo, 'test', 'fixtures', 'traces', 'openai-reasoning-encrypted-content.1.json');
  const json = JSON.parse(cli('tokens', file, '--json').stdout);
  assert.equal(json.records.length, 1);
  const r = json.records[0];
  assert.equal(r.tokenizer, 'o200k_base');
  assert.equal(r.total, r.thinking + r.answer + r.toolCalls);
  assert.ok(r.reported, 'the usage the file reports is shown beside the count');
  assert.match(r.priceRow, /@\d{4}-\d{2}-\d{2}$/);
  const claude = JSON.parse(cli('tokens', join(repo, 'test', 'fixtures', 'traces', 'anthropic-claude-opus-5-reasoning-high.1.json'), '--json').stdout);
  assert.notEqual(claude.records[0].countsFrom, 'counted', 'Claude has no public tokenizer: reported usage or an estimate');
  const text = cli('traces', join(repo, 'examples', 'traces', 'traces.jsonl'));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /12 traces/);
  assert.match(text.stdout, /cut off at the length limit: 1/);
  assert.match(text.stdout, /overthinking: \d+ traces kept thinking after the final answer appeared/);
  assert.equal(cli('tokens', file, '--tokenizer', 'nope').code, 2);
});

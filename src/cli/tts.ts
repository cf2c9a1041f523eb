import { analyzePath } from '../core/analysis';
import { formatProblem, type Problem } from '../core/ingest/problem';
import { samplesFromTraces, type EvalSampleSet } from '../core/ingest/evalSamples';
import { cheapestReaching } from '../core/recommend/testTime';
import { analyzeTestTime, COST_AXES, pricesForSamples, testTimeJson, testTimePanel, type CostAxis, type TestTimeAnalysis } from '../core/tts';
import { EXIT, UsageError } from './exit';
import { candidateFilesOf } from './inputs';
import { writeHtmlReport } from './report';

export interface TtsCommandOptions {
  json: boolean;
  target?: number;
  cost?: string;
  threshold?: number;
  resamples?: number;
  seed?: number;
  output?: string;
}

function costAxis(value: string | undefined): CostAxis | undefined {
  if (value === undefined) return undefined;
  if (!(COST_AXES as readonly string[]).includes(value)) throw new UsageError(`--cost expects one of ${COST_AXES.join(', ')}, got '${value}'`);
  return value as CostAxis;
}

/** Reads every eval-sample file under the paths; other files are reported, not silently dropped. */
async function readSets(paths: string[]): Promise<{ sets: EvalSampleSet[]; problems: Problem[]; skipped: string[] }> {
  const sets: EvalSampleSet[] = [];
  const problems: Problem[] = [];
  const skipped: string[] = [];
  for (const { path, name } of await candidateFilesOf(paths, true)) {
    const a = await analyzePath(path, name);
    // Traces with reference answers are samples too: several traces of one problem are k samples.
    const samples = a.samples ?? (a.traces && a.traces.correctness.judged > 0 ? samplesFromTraces(a.traces) : undefined);
    if (samples) {
      sets.push(samples);
      problems.push(...a.problems);
    } else skipped.push(`${name}: ${a.kind === 'unknown' ? 'not a file of eval samples' : `a ${a.format} file, not eval samples`}`);
  }
  return { sets, problems, skipped };
}

async function analyze(paths: string[], options: TtsCommandOptions): Promise<{ a?: TestTimeAnalysis; problems: Problem[]; skipped: string[] }> {
  const { sets, problems, skipped } = await readSets(paths);
  if (sets.length === 0) return { problems, skipped };
  const a = await analyzeTestTime(sets, { target: options.target, costAxis: costAxis(options.cost), threshold: options.threshold, resamples: options.resamples, seed: options.seed, cost: { prices: pricesForSamples(sets).prices } });
  return { a, problems: [...problems, ...a.problems.filter((p) => !problems.includes(p))], skipped };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export async function ttsCommand(paths: string[], options: TtsCommandOptions): Promise<number> {
  costAxis(options.cost);
  const { a, problems, skipped } = await analyze(paths, options);
  for (const s of skipped) process.stderr.write(`skipped ${s}\n`);
  if (!a) {
    process.stderr.write('No eval samples found: expected lm-evaluation-harness samples_*.jsonl, Inspect logs, or JSONL/CSV/JSON of per-sample results.\n');
    return EXIT.problems;
  }
  const axis = costAxis(options.cost) ?? a.costAxis;
  const target = options.target ?? a.target;
  if (options.json) {
    process.stdout.write(JSON.stringify({ ...testTimeJson(a, axis, target), problems }, null, 2) + '\n');
  } else {
    const w = (s = '') => process.stdout.write(s + '\n');
    for (const c of a.configs) {
      w(`${c.config}: ${c.problems} problems, ${c.samplesPerProblem[0] === c.samplesPerProblem[1] ? c.samplesPerProblem[0] : c.samplesPerProblem.join('–')} samples each${c.excluded ? ` (${c.excluded} without a graded sample left out)` : ''}`);
      for (const m of c.curves) {
        const at = (k: number) => m.points.find((p) => p.k === k);
        const ks = [1, 4, 16, c.K].filter((k, i, all) => k <= c.K && all.indexOf(k) === i);
        w(`  ${m.metric.padEnd(16)} ${ks.map((k) => { const p = at(k); return p ? `k=${k} ${pct(p.value)} [${pct(p.lo)}, ${pct(p.hi)}]` : ''; }).filter(Boolean).join('  ')}`);
      }
      for (const law of c.laws.filter((l) => l.ok)) w(`  law: ${law.title}: ${Object.entries(law.params).map(([k, v]) => `${k} = ${v.toPrecision(4)}${law.ci[k] ? ` [${law.ci[k][0].toPrecision(3)}, ${law.ci[k][1].toPrecision(3)}]` : ''}`).join(', ')}`);
      for (const s of c.saturation) {
        const measured = s.data ? `measured: past k = ${s.data.k} (${pct(s.data.value)})` : 'measured: not within the data';
        const fitted = s.law?.k != null ? `law: k ≈ ${Math.round(s.law.k)}${s.law.ci ? ` [${Math.round(s.law.ci[0])}, ${Math.round(s.law.ci[1])}]` : ''}` : 'law: none';
        w(`  saturation of ${s.metric} (gain per extra sample < ${s.epsilon}): ${measured}; ${fitted}`);
      }
    }
    w();
    w(cheapestReaching(a.candidates, target, axis).statement);
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  }
  if (options.output) await writeHtmlReport(options.output, testTimePanel(a, axis, target));
  return problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
}

/** `scaling-lens plan`: the cheapest configuration reaching a target, or the statement that none does. */
export async function planCommand(paths: string[], options: TtsCommandOptions): Promise<number> {
  if (options.target === undefined) throw new UsageError('plan needs --target ACCURACY (e.g. --target 0.8)');
  if (!(options.target > 0 && options.target <= 1)) throw new UsageError(`--target is an accuracy between 0 and 1, got ${options.target}`);
  const axis = costAxis(options.cost);
  const { a, problems, skipped } = await analyze(paths, { ...options, resamples: options.resamples });
  for (const s of skipped) process.stderr.write(`skipped ${s}\n`);
  if (!a) {
    process.stderr.write('No eval samples found.\n');
    return EXIT.problems;
  }
  const rec = cheapestReaching(a.candidates, options.target, axis ?? a.costAxis);
  if (options.json) process.stdout.write(JSON.stringify({ recommendation: rec, problems }, null, 2) + '\n');
  else {
    process.stdout.write(rec.statement + '\n');
    for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  }
  return rec.reached ? EXIT.ok : EXIT.problems;
}

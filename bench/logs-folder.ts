/**
 * A folder of 1,000 runs (500 MLflow file-store runs, 250 Lightning CSVLogger runs, 250 plain
 * per-run CSVs; 200 logged steps each) read and turned into a sweep, against a straightforward
 * Python reading of the same folder (bench/python/logs_folder.py: csv module, and numpy) run
 * as a subprocess in the same run.
 *
 *   node --import tsx bench/logs-folder.ts [--runs 1000] [--repeat 3] [--keep]
 *
 * Target (issue 7): < 3 s for 1,000 runs. The folder is generated under the OS temp folder
 * and removed afterwards unless --keep.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSweep } from '../src/core/ingest/sweep';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = flag('--runs', 1000);
const repeat = flag('--repeat', 3);

const SIZES = [
  { n_layer: 6, d_model: 512 },
  { n_layer: 12, d_model: 768 },
  { n_layer: 24, d_model: 1024 },
  { n_layer: 24, d_model: 2048 },
];
const STEPS = 200;
const loss = (i: number, s: number) => 2 + (1 + (i % 4)) / (1 + s / 20) + 0.01 * Math.sin(i + s);

function generate(root: string, total: number): void {
  const mlflow = Math.round(total / 2);
  const lightning = Math.round(total / 4);
  const plain = total - mlflow - lightning;
  const exp = join(root, 'mlruns', '0');
  mkdirSync(exp, { recursive: true });
  writeFileSync(join(exp, 'meta.yaml'), "artifact_location: file:///tmp/mlruns/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n");
  for (let i = 0; i < mlflow; i++) {
    const id = i.toString(16).padStart(32, '0');
    const d = join(exp, id);
    for (const sub of ['metrics/eval', 'params', 'tags']) mkdirSync(join(d, sub), { recursive: true });
    writeFileSync(join(d, 'meta.yaml'), `artifact_uri: file:///tmp/mlruns/0/${id}/artifacts\nend_time: 1700000360000\nentry_point_name: ''\nexperiment_id: '0'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${i}\nrun_uuid: ${id}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: bench\n`);
    const size = SIZES[i % SIZES.length];
    const params: Record<string, number> = { ...size, vocab_size: 50304, global_batch_size: 256, seq_len: 2048, lr: 3e-4 };
    for (const [k, v] of Object.entries(params)) writeFileSync(join(d, 'params', k), String(v));
    writeFileSync(join(d, 'tags', 'mlflow.runName'), `run-${i}`);
    let l = '';
    let lr = '';
    let ev = '';
    for (let s = 0; s < STEPS; s++) {
      const step = s * 50;
      l += `${1700000000000 + step} ${loss(i, s)} ${step}\n`;
      lr += `${1700000000000 + step} ${3e-4 * (1 - s / STEPS)} ${step}\n`;
      if (s % 10 === 9) ev += `${1700000000000 + step} ${loss(i, s) + 0.05} ${step}\n`;
    }
    writeFileSync(join(d, 'metrics', 'loss'), l);
    writeFileSync(join(d, 'metrics', 'lr'), lr);
    writeFileSync(join(d, 'metrics', 'eval', 'loss'), ev);
  }
  for (let j = 0; j < lightning; j++) {
    const d = join(root, 'lightning_logs', `version_${j}`);
    mkdirSync(d, { recursive: true });
    const size = SIZES[j % SIZES.length];
    writeFileSync(join(d, 'hparams.yaml'), `n_layer: ${size.n_layer}\nd_model: ${size.d_model}\nvocab_size: 50304\nbatch_size: 64\nmax_seq_len: 1024\nlr: 0.0003\n`);
    let csv = 'epoch,step,train_loss_step,val_loss,lr-AdamW\n';
    for (let s = 0; s < STEPS; s++) {
      const step = s * 50 + 49;
      csv += `${Math.floor(s / 50)},${step},${loss(j, s)},,${3e-4}\n`;
      if (s % 10 === 9) csv += `${Math.floor(s / 50)},${step},,${loss(j, s) + 0.05},\n`;
    }
    writeFileSync(join(d, 'metrics.csv'), csv);
  }
  const csvDir = join(root, 'csv');
  mkdirSync(csvDir, { recursive: true });
  for (let k = 0; k < plain; k++) {
    let csv = 'step,loss,tokens,lr\n';
    for (let s = 0; s < STEPS; s++) csv += `${s * 50},${loss(k, s)},${s * 50 * 128 * 2048},0.0003\n`;
    writeFileSync(join(csvDir, `run-${[70, 160, 410, 1000][k % 4]}m-${k}.csv`), csv);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const root = join(tmpdir(), `scaling-lens-bench-logs-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const g0 = performance.now();
  generate(root, runs);
  console.log(`generated ${runs} runs (${STEPS} steps each) in ${((performance.now() - g0) / 1000).toFixed(1)} s under ${root}`);
  try {
    const times: number[] = [];
    let sweep;
    for (let r = 0; r < repeat; r++) {
      const t0 = performance.now();
      sweep = await readSweep(root);
      times.push(performance.now() - t0);
    }
    const s = sweep!;
    const complete = s.points.filter((p) => p.missing.length === 0).length;
    const sum = s.points.reduce((a, p) => a + (p.finalLoss.value ?? 0), 0);
    const ms = median(times);
    console.log(`Scaling Lens readSweep: ${s.runs.length} runs found, ${s.points.length} points (${complete} with N, D and C), ${s.problems.length} problems`);
    console.log(`  times ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}; median ${(ms / 1000).toFixed(2)} s (target < 3 s: ${ms < 3000 ? 'met' : 'NOT met'})`);

    for (const mode of [[], ['--numpy']]) {
      const py: number[] = [];
      let out: { runs: number; points: number; sum_final: number; seconds: number } | undefined;
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const p = spawnSync('python3', [join(__dirname, 'python', 'logs_folder.py'), root, ...mode], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
        const wall = performance.now() - t0;
        if (p.status !== 0) throw new Error(`python failed: ${p.stderr}`);
        out = JSON.parse(p.stdout);
        py.push(out!.seconds * 1000);
        if (r === 0) console.log(`  (python process wall time incl. interpreter start: ${(wall / 1000).toFixed(2)} s)`);
      }
      const pm = median(py);
      const agree = out!.points === s.points.length && Math.abs(out!.sum_final - sum) < 1e-6 * Math.abs(sum);
      console.log(`python3 ${mode.length ? 'numpy.loadtxt/genfromtxt' : 'csv module'}: ${out!.runs} runs, ${out!.points} points; median ${(pm / 1000).toFixed(2)} s of reading → Scaling Lens is ${(pm / ms).toFixed(2)}× ${pm >= ms ? 'faster' : 'slower'}; final losses ${agree ? 'agree' : `DIFFER (python Σ ${out!.sum_final}, ours Σ ${sum})`}`);
    }
  } finally {
    if (!args.includes('--keep')) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

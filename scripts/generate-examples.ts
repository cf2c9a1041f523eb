/**
 * Writes the sample workspace in examples/ from stated laws plus seeded noise, so a newcomer
 * sees realistic shapes and the truth behind them is known (examples/README.md states it).
 * Run: npm run examples. Same seed, same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', 'examples');

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261123);
function normal(): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

// Chinchilla law with the parameters of Besiroglu et al. 2024 (Epoch's replication of Hoffmann et al. 2022).
export const CHINCHILLA = { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 };
const loss = (N: number, D: number) => CHINCHILLA.E + CHINCHILLA.A / N ** CHINCHILLA.alpha + CHINCHILLA.B / D ** CHINCHILLA.beta;
const NOISE = 0.01; // multiplicative, log-normal

function sig(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}

function sweep(): string {
  const sizes = [70e6, 160e6, 410e6, 1.0e9, 2.8e9];
  const ratios = [5, 10, 20, 40, 80];
  const lines = ['run,params,tokens,flops,loss'];
  for (const N of sizes) {
    for (const r of ratios) {
      const D = N * r;
      const L = loss(N, D) * Math.exp(NOISE * normal());
      const name = `${N >= 1e9 ? sig(N / 1e9, 2) + 'b' : Math.round(N / 1e6) + 'm'}-${r}tpp`;
      lines.push([name, N.toExponential(3), D.toExponential(3), (6 * N * D).toExponential(3), L.toFixed(4)].join(','));
    }
  }
  // A run whose evaluation diverged, as real sweeps have: the reader must report it, not drop it silently.
  lines.splice(14, 0, '410m-5tpp-retry,4.100e+8,2.050e+9,5.043e+18,diverged');
  return lines.join('\n') + '\n';
}

function lossCurves(): string {
  // Whole loss curves for three sizes under a cosine schedule, from the same law with D = tokens so far
  // and an annealing bonus proportional to how far the learning rate has decayed.
  const out: string[] = [];
  const batchTokens = 1 << 20;
  for (const [name, N, steps] of [['160m', 160e6, 3000], ['410m', 410e6, 8000], ['1b', 1.0e9, 20000]] as const) {
    const every = steps / 60;
    for (let s = every; s <= steps + 1e-9; s += every) {
      const step = Math.round(s);
      const lr = 3e-4 * 0.5 * (1 + Math.cos((Math.PI * step) / steps));
      const D = step * batchTokens;
      const anneal = 0.04 * (1 - lr / 3e-4);
      const L = (loss(N, D) - anneal) * Math.exp(0.004 * normal());
      out.push(JSON.stringify({ run: name, step, tokens: D, lr: Number(lr.toExponential(4)), loss: Number(L.toFixed(4)) }));
    }
  }
  return out.join('\n') + '\n';
}

interface Problem { id: string; a: number; b: number; c: number; answer: number; difficulty: number }

function problems(n: number): Problem[] {
  const out: Problem[] = [];
  for (let i = 0; i < n; i++) {
    const a = 12 + Math.floor(rand() * 88);
    const b = 3 + Math.floor(rand() * 40);
    const c = Math.floor(rand() * 500);
    out.push({ id: `arith-${String(i + 1).padStart(3, '0')}`, a, b, c, answer: a * b + c, difficulty: normal() * 1.2 });
  }
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Accuracy rises with log thinking budget and saturates (logistic in log budget). */
const MODELS = [
  { name: 'deepseek-r1-distill-qwen-7b', skill: -0.4, slope: 0.9, tokPerSec: 95 },
  { name: 'qwq-32b', skill: 0.8, slope: 0.8, tokPerSec: 38 },
];
const BUDGETS = [1024, 4096, 16384];

function evalSamples(ps: Problem[]): string {
  const out: string[] = [];
  for (const m of MODELS) {
    for (const budget of BUDGETS) {
      for (const p of ps) {
        const pCorrect = sigmoid(m.skill + m.slope * Math.log2(budget / 1024) - p.difficulty);
        for (let k = 0; k < 16; k++) {
          const correct = rand() < pCorrect;
          const wrong = p.answer + (rand() < 0.5 ? -1 : 1) * (1 + Math.floor(rand() * 3)) * (rand() < 0.5 ? 10 : 1);
          const thinking = Math.min(budget, Math.round(budget * (0.35 + 0.6 * rand()) * (correct ? 0.85 : 1.1)));
          const answerTokens = 40 + Math.floor(rand() * 120);
          out.push(JSON.stringify({
            problem_id: p.id,
            sample: k,
            model: m.name,
            thinking_budget: budget,
            answer: String(correct ? p.answer : wrong),
            reference: String(p.answer),
            correct,
            prompt_tokens: 64 + String(p.a * p.b).length,
            thinking_tokens: thinking,
            answer_tokens: answerTokens,
            latency_s: Number(((thinking + answerTokens) / m.tokPerSec).toFixed(2)),
          }));
        }
      }
    }
  }
  return out.join('\n') + '\n';
}

function traces(ps: Problem[]): string {
  const out: string[] = [];
  ps.slice(0, 12).forEach((p, i) => {
    const wrongProduct = p.a * p.b + (i % 4 === 1 ? 10 : 0);
    const steps = [
      `We need ${p.a} × ${p.b} + ${p.c}.`,
      `First the product: ${p.a} × ${p.b} = ${p.a * (p.b - (p.b % 10))} + ${p.a * (p.b % 10)} = ${wrongProduct}.`,
      i % 4 === 1 ? `Wait, let me double-check that product. ${p.a} × ${p.b}: ${p.a} × ${p.b % 10} = ${p.a * (p.b % 10)}, so the product is ${p.a * p.b}.` : `Hmm, that looks right.`,
      `Now add ${p.c}: ${p.a * p.b} + ${p.c} = ${p.answer}.`,
      `So the answer is ${p.answer}.`,
      `Alternatively, let me verify by adding in the other order: ${p.c} + ${p.a * p.b} = ${p.answer}. Yes.`,
      i % 3 === 0 ? `Let me double-check once more. ${p.a * p.b} + ${p.c} is ${p.answer}. The answer is ${p.answer}.` : '',
    ].filter(Boolean);
    const truncated = i === 7;
    const reasoning = truncated ? steps.slice(0, 3).join('\n\n') + '\n\nNow add' : steps.join('\n\n');
    out.push(JSON.stringify({
      id: `trace-${String(i + 1).padStart(3, '0')}`,
      problem_id: p.id,
      model: 'deepseek-reasoner',
      prompt: `Compute ${p.a} × ${p.b} + ${p.c}. Put the final answer in \\boxed{}.`,
      reference: String(p.answer),
      response: {
        object: 'chat.completion',
        model: 'deepseek-reasoner',
        choices: [{
          index: 0,
          message: { role: 'assistant', reasoning_content: reasoning, content: truncated ? '' : `${p.a} × ${p.b} = ${p.a * p.b}, plus ${p.c} gives \\boxed{${p.answer}}.` },
          finish_reason: truncated ? 'length' : 'stop',
        }],
      },
    }));
  });
  return out.join('\n') + '\n';
}

const TRAIN_CONFIG = `# A training config for the next run of the sweep in runs/sweep.csv (Hugging Face
# TrainingArguments plus the model's shape). Scaling Lens reads the keys that set model size,
# tokens, learning rate and batch size.
model:
  name: lens-1.3b
  n_layers: 24
  hidden_size: 2048
  n_heads: 16
  vocab_size: 50304
  max_position_embeddings: 2048

training:
  output_dir: checkpoints/lens-1.3b
  per_device_train_batch_size: 16
  gradient_accumulation_steps: 8
  world_size: 8
  seq_length: 2048
  max_steps: 12000
  learning_rate: 3.0e-4
  lr_scheduler_type: cosine
  warmup_steps: 500
  weight_decay: 0.1
  bf16: true
  gpu: H100
  gpu_throughput_flops: 4.0e14
`;

const EVAL_CONFIG = `# An eval config for test-time scaling runs like eval/samples.jsonl: how many samples per
# problem, at which thinking budgets, and the accuracy the team wants to reach.
task: arith-300
models:
  - deepseek-r1-distill-qwen-7b
  - qwq-32b
samples_per_problem: 16
thinking_budgets: [1024, 4096, 16384]
temperature: 0.6
top_p: 0.95
target_accuracy: 0.8
cost_axis: dollars
`;

function readme(): string {
  const c = CHINCHILLA;
  return `# Scaling Lens example workspace

Everything here is **generated** by \`scripts/generate-examples.ts\` (run \`npm run examples\`)
from the laws below plus seeded noise. It is not real training or eval data; it exists so you
can see every part of Scaling Lens work, and know the truth the fits should recover.

| file | what | generated from |
|---|---|---|
| \`runs/sweep.csv\` | 25 training runs: parameters N, tokens D, compute C = 6·N·D, final loss | Chinchilla law L = E + A/N^α + B/D^β with E = ${c.E}, A = ${c.A}, B = ${c.B}, α = ${c.alpha}, β = ${c.beta} (Besiroglu et al. 2024), times log-normal noise σ = ${NOISE}. One row (\`410m-5tpp-retry\`) has \`diverged\` as its loss on purpose: it shows in the Problems panel. |
| \`runs/loss-curves.jsonl\` | loss against step for three sizes (160M, 410M, 1B), cosine schedule | the same law with D = tokens so far (2^20 tokens per step), minus an annealing bonus 0.04·(1 − lr/lr_max), noise σ = 0.004 |
| \`eval/samples.jsonl\` | 2 models × 3 thinking budgets × 30 problems × 16 samples, with correctness and token counts | P(correct) = sigmoid(skill + slope·log2(budget/1024) − difficulty), difficulty ~ N(0, 1.2²); skill/slope: ${MODELS.map((m) => `${m.name} ${m.skill}/${m.slope}`).join(', ')} |
| \`traces/traces.jsonl\` | 12 reasoning traces in the DeepSeek API's chat-completion shape (\`reasoning_content\`, \`content\`) | templates with self-checks ("Wait", "let me double-check"); \`trace-008\` stops mid-thought (\`finish_reason: length\`) |
| \`configs/train.yaml\` | a training config for the next run | hand-written |
| \`configs/eval.yaml\` | an eval config for test-time scaling | hand-written |

Open this folder in VS Code with the extension installed, then run **Scaling Lens: Fit Scaling
Law** from the command palette, or open a file and look at the Scaling Lens side view.
`;
}

function write(rel: string, text: string) {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  console.log(`wrote examples/${rel} (${text.length.toLocaleString('en-US')} bytes)`);
}

const ps = problems(30);
write('README.md', readme());
write('runs/sweep.csv', sweep());
write('runs/loss-curves.jsonl', lossCurves());
write('eval/samples.jsonl', evalSamples(ps));
write('traces/traces.jsonl', traces(ps));
write('configs/train.yaml', TRAIN_CONFIG);
write('configs/eval.yaml', EVAL_CONFIG);

import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { analyzeCommand } from './analyze';
import { reportCommand } from './report';
import { fitCommand, parseMap } from './fit';
import { sweepCommand } from './sweep';
import { tokensCommand, tracesCommand } from './traces';
import { planCommand, ttsCommand } from './tts';
import { EXIT, UsageError } from './exit';

const HELP = `scaling-lens ${version}: reasoning and scaling analysis from the command line

Usage:
  scaling-lens analyze PATH... [--json] [--x COLUMN] [--y COLUMN]
      What Scaling Lens finds in each file (or each file under a folder): format, rows,
      the chart it would draw, and every problem as file:line:column.
  scaling-lens report PATH... -o report.html [--x COLUMN] [--y COLUMN]
      A self-contained HTML page with the same charts (no network needed to view it).
  scaling-lens sweep FOLDER [--json] [-o sweep.html]
      A folder of runs (W&B offline runs, MLflow, TensorBoard, HF Trainer, Lightning,
      CSV/JSONL logs) as one sweep: every run a point or skipped with the reason, and how
      N, D and C were derived for each. Overrides go in FOLDER/.scaling-lens.json.
  scaling-lens tts FILE|FOLDER... [--json] [--target 0.8] [--cost AXIS] [-o tts.html]
      Test-time scaling from eval samples (lm-evaluation-harness samples_*.jsonl, Inspect
      logs, JSONL/CSV/JSON of per-sample results): pass@k, pass^k, majority@k and the other
      curves with bootstrap intervals, fitted laws, saturation, the Pareto frontier.
  scaling-lens plan FILE|FOLDER... --target 0.8 [--cost dollars|tokens|flops|latency|samples|effective]
      The cheapest configuration (model, strategy, k, thinking budget) that reaches the
      target, or the statement that none does and the nearest (exit 1).
  scaling-lens tokens FILE... [--tokenizer NAME] [--json]
      Token counts per record of model outputs (OpenAI, Anthropic, DeepSeek/Qwen/vLLM,
      datasets, <think> text): thinking, answer, total, the usage the file reports, dollars.
      Tokenizer from each record's model (o200k_base, cl100k_base, deepseek_v3, deepseek_r1,
      qwen3, qwen2.5, llama3; Claude: reported usage or a marked estimate).
  scaling-lens traces FILE... [--tokenizer NAME] [--json] [-o traces.html]
      What the thinking did: markers of backtracking and hedging, tokens after the answer
      appeared, cut-off traces, agreement and length of correct vs incorrect traces.
  scaling-lens fit FILE|FOLDER [--law LAW]... [--map VAR=COLUMN]... [--json] [-o fit.html]
      Fits scaling laws to a run log: parameters with bootstrap intervals, the law
      comparison and the compute-optimal frontier. LAW is a registry name (chinchilla,
      kaplan-ND, power-law-C, ...) or a formula ('E + A/N^a + B/D^b'); VAR is N, D, C, L, ...

Options:
  --json        machine-readable output on stdout
  --x, --y      columns for the chart axes (detected from common names otherwise)
  -o, --output  where to write the report (for fit: the fit panel as HTML)
  --law         law to fit (repeatable); default: chosen from the columns
  --map         VAR=COLUMN, which column holds a law variable (repeatable)
  --resamples   bootstrap resamples (default 1000; 0 turns intervals off)
  --seed        bootstrap seed (default 0)
  --target      target accuracy (tts, plan)
  --cost        cost axis: samples, tokens, flops, effective, dollars, latency
  --threshold   graded scores count as correct at or above this (default 1)
  --tokenizer   one tokenizer for every record (tokens, traces)
  -h, --help    this help
  -v, --version the version

Exit codes: 0 ok, 1 input problems found (what could be analysed is still printed),
2 usage error.
`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        x: { type: 'string' },
        y: { type: 'string' },
        output: { type: 'string', short: 'o' },
        law: { type: 'string', multiple: true },
        map: { type: 'string', multiple: true },
        resamples: { type: 'string' },
        seed: { type: 'string' },
        target: { type: 'string' },
        cost: { type: 'string' },
        threshold: { type: 'string' },
        tokenizer: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    process.stderr.write(`scaling-lens: ${(e as Error).message}\nRun 'scaling-lens --help' for usage.\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const [command, ...paths] = positionals;
  if (values.help || !command) {
    (values.help ? process.stdout : process.stderr).write(HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const axes = { x: values.x, y: values.y };
  try {
    switch (command) {
      case 'analyze':
        return await analyzeCommand(paths, { json: !!values.json, axes });
      case 'report':
        return await reportCommand(paths, { output: values.output, axes });
      case 'tts':
      case 'plan': {
        const opts = {
          json: !!values.json,
          target: numberOption('--target', values.target),
          cost: values.cost,
          threshold: numberOption('--threshold', values.threshold),
          resamples: integerOption('--resamples', values.resamples),
          seed: integerOption('--seed', values.seed),
          output: values.output,
        };
        return command === 'tts' ? await ttsCommand(paths, opts) : await planCommand(paths, opts);
      }
      case 'tokens':
        return await tokensCommand(paths, { json: !!values.json, tokenizer: values.tokenizer });
      case 'traces':
        return await tracesCommand(paths, { json: !!values.json, tokenizer: values.tokenizer, output: values.output });
      case 'sweep':
        return await sweepCommand(paths, { json: !!values.json, output: values.output });
      case 'fit':
        return await fitCommand(paths, {
          json: !!values.json,
          laws: values.law,
          map: parseMap(values.map),
          resamples: integerOption('--resamples', values.resamples),
          seed: integerOption('--seed', values.seed),
          output: values.output,
        });
      default:
        throw new UsageError(`unknown command '${command}' (expected analyze, report, sweep, fit, tts, plan, tokens or traces)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`scaling-lens: ${e.message}\nRun 'scaling-lens --help' for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${name} expects a number, got '${value}'`);
  return v;
}

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} expects a whole number, got '${value}'`);
  return Number(value);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`scaling-lens: internal error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 3;
  },
);

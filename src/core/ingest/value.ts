/**
 * Cell values as trainers and trackers write them: plain numbers, Python's `nan`/`inf`, and
 * sizes with a suffix (`1.3B`, `70M`, `300k`), which sweep tables use for parameters and tokens.
 */
export type ParsedNumber =
  | { kind: 'number'; value: number }
  | { kind: 'empty' }
  | { kind: 'non-finite'; text: string }
  | { kind: 'text'; text: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SUFFIXED = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([kKmMbBgGtT])$/;
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

export function parseNumber(raw: string): ParsedNumber {
  const text = raw.trim();
  if (text === '' || text === 'null' || text === 'None' || text === 'NA') return { kind: 'empty' };
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  const m = SUFFIXED.exec(text);
  if (m) return { kind: 'number', value: Number(m[1]) * SUFFIX[m[2].toLowerCase()] };
  if (NON_FINITE.test(text)) return { kind: 'non-finite', text };
  return { kind: 'text', text };
}

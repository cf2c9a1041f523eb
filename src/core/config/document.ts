import { parseTomlConfig } from './tomlLocator';
import { parseYamlConfig } from './yamlConfig';

/**
 * A training config as the editor sees it: every leaf key with its dotted path, its value, and
 * where the key and the value sit in the text, so hovers, diagnostics and edits can point at
 * them. YAML and JSON go through the `yaml` package (JSON is YAML, and its node ranges are
 * exact); TOML through smol-toml for values and a small hand-written locator for positions.
 */

export type ConfigFormat = 'yaml' | 'json' | 'toml';

export type ConfigScalar = number | string | boolean | null;
/** A scalar, or a list of scalars (`betas: [0.9, 0.95]`, `architectures: [LlamaForCausalLM]`). */
export type ConfigLeafValue = ConfigScalar | ConfigScalar[];

/**
 * 0-based, like LSP positions: `column` counts UTF-16 code units (JavaScript string indices),
 * which is LSP's default position encoding.
 */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ConfigKey {
  /** Segments joined by dots; list items are their index: `datasets.0.path`. */
  path: string;
  segments: string[];
  value: ConfigLeafValue;
  /** The value's source text (quotes included), so edits can keep the file's number style. */
  raw: string;
  keyRange: Range;
  valueRange: Range;
}

export interface ConfigSyntaxProblem {
  message: string;
  range: Range;
}

export interface ParsedConfig {
  format: ConfigFormat;
  text: string;
  keys: ConfigKey[];
  byPath: Map<string, ConfigKey>;
  /** Syntax problems; what could be read around them is still in `keys`. */
  problems: ConfigSyntaxProblem[];
  lines: LineIndex;
}

/** Offsets to 0-based line and column, by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo, column: o - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

/** The format a file name implies, or undefined for anything else. */
export function configFormatOf(fileName: string): ConfigFormat | undefined {
  const m = /\.([a-z0-9]+)$/i.exec(fileName);
  const ext = m?.[1].toLowerCase();
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'json' || ext === 'jsonc') return 'json';
  if (ext === 'toml') return 'toml';
  return undefined;
}

export function parseConfig(text: string, format: ConfigFormat): ParsedConfig {
  const lines = new LineIndex(text);
  const { keys, problems } = format === 'toml' ? parseTomlConfig(text, lines) : parseYamlConfig(text, lines);
  const byPath = new Map<string, ConfigKey>();
  // A repeated key: the last one wins, as in the parsers that read these files.
  for (const k of keys) byPath.set(k.path, k);
  return { format, text, keys, byPath, problems, lines };
}

/** The key whose name or value contains the offset; the tightest such span wins (a flow map's inner key over the map). */
export function keyAt(config: ParsedConfig, offset: number): ConfigKey | undefined {
  let best: ConfigKey | undefined;
  let bestSpan = Infinity;
  for (const k of config.keys) {
    for (const r of [k.keyRange, k.valueRange]) {
      if (r.start.offset > offset || offset > r.end.offset) continue;
      const span = r.end.offset - r.start.offset;
      if (span < bestSpan) {
        best = k;
        bestSpan = span;
      }
    }
  }
  return best;
}

import { normalizeName } from '../columnRoles';
import type { ConfigValue } from '../logs/runLog';
import { parseNumber } from '../value';

/**
 * Looks a run's configuration up by the many names trainers give the same thing
 * (`num_hidden_layers`, `n_layer`, `model.num_layers`). A name matches a key's full dotted
 * path or its last segment, ignoring case and punctuation; full-path matches and shallower
 * keys win, so `n_layer` beats `teacher.n_layer`.
 */
export interface Found<T> {
  value: T;
  /** The key as the run wrote it. */
  key: string;
  /** Where it came from (a file, or a column of the run's table). */
  file?: string;
}

export class ConfigIndex {
  private readonly byFull = new Map<string, string>();
  private readonly byLast = new Map<string, string>();

  constructor(
    private readonly values: Readonly<Record<string, ConfigValue>>,
    private readonly sources: Readonly<Record<string, string>> = {},
  ) {
    const keys = Object.keys(values).sort((a, b) => a.split('.').length - b.split('.').length);
    for (const k of keys) {
      const full = normalizeName(k);
      if (!this.byFull.has(full)) this.byFull.set(full, k);
      const last = normalizeName(k.split(/[./]/).pop() ?? k);
      if (!this.byLast.has(last)) this.byLast.set(last, k);
    }
  }

  /** The key answering to one of `names` (tried in order), or undefined. */
  key(names: readonly string[]): string | undefined {
    for (const n of names) {
      const hit = this.byFull.get(n);
      if (hit !== undefined) return hit;
    }
    for (const n of names) {
      const hit = this.byLast.get(n);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  raw(key: string): ConfigValue | undefined {
    return this.values[key];
  }

  /** The first of `names` holding a finite number (`"160M"` and `"3e-4"` count), passing `accept`. */
  number(names: readonly string[], accept: (v: number) => boolean = () => true): Found<number> | undefined {
    for (const n of names) {
      for (const k of [this.byFull.get(n), this.byLast.get(n)]) {
        if (k === undefined) continue;
        const v = toNumber(this.values[k]);
        if (v !== undefined && accept(v)) return { value: v, key: k, file: this.sources[k] };
      }
    }
    return undefined;
  }

  text(names: readonly string[]): Found<string> | undefined {
    for (const n of names) {
      for (const k of [this.byFull.get(n), this.byLast.get(n)]) {
        const v = k === undefined ? undefined : this.values[k];
        if (typeof v === 'string' && v !== '') return { value: v, key: k!, file: this.sources[k!] };
      }
    }
    return undefined;
  }

  bool(names: readonly string[]): Found<boolean> | undefined {
    for (const n of names) {
      for (const k of [this.byFull.get(n), this.byLast.get(n)]) {
        const v = k === undefined ? undefined : this.values[k];
        if (typeof v === 'boolean') return { value: v, key: k!, file: this.sources[k!] };
        if (typeof v === 'string' && /^(true|false)$/i.test(v)) return { value: /^true$/i.test(v), key: k!, file: this.sources[k!] };
      }
    }
    return undefined;
  }

  /** The value of an exact key (as the user wrote it in a mapping), as a number. */
  exact(key: string): Found<number> | undefined {
    const k = key in this.values ? key : this.byFull.get(normalizeName(key));
    if (k === undefined) return undefined;
    const v = toNumber(this.values[k]);
    return v === undefined ? undefined : { value: v, key: k, file: this.sources[k] };
  }
}

export function toNumber(v: ConfigValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const p = parseNumber(v);
    return p.kind === 'number' ? p.value : undefined;
  }
  return undefined;
}

/** Names as `normalizeName` leaves them, so lists below read as the keys people write. */
export const names = (...list: string[]): string[] => list.map(normalizeName);

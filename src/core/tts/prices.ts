import type { EvalSampleSet } from '../ingest/evalSamples';
import { priceFor, type PriceRow } from '../tokens/prices';
import type { Price } from './cost';

/**
 * Dollar prices for the models in eval files, from the same dated price table that prices
 * traces (and the user's rows first), so the dollars axis needs no separate setup. Explicit
 * per-model prices win.
 */
export function pricesForSamples(sets: readonly EvalSampleSet[], userRows: readonly PriceRow[] = [], explicit: Readonly<Record<string, Price>> = {}): { prices: Record<string, Price>; rows: Record<string, string> } {
  const prices: Record<string, Price> = {};
  const rows: Record<string, string> = {};
  const models = new Set<string>();
  for (const set of sets) for (const s of set.samples) if (s.model) models.add(s.model);
  for (const model of models) {
    if (explicit[model]) {
      prices[model] = explicit[model];
      rows[model] = 'settings';
      continue;
    }
    const row = priceFor(model, userRows);
    if (!row) continue;
    prices[model] = { input: row.input, output: row.output, reasoning: row.reasoning };
    rows[model] = row.id;
  }
  return { prices, rows };
}

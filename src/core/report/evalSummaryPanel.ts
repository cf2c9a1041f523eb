import type { EvalSampleSet } from '../ingest/evalSamples';
import type { PanelSpec, TableSpec } from './spec';

/**
 * What an eval-sample file holds, cheaply (no bootstrap): one row per model and thinking
 * budget. The side view shows this as the user types; "Show Test-Time Scaling" does the rest.
 */
export function evalSummaryPanel(set: EvalSampleSet): PanelSpec {
  const groups = new Map<string, { model: string; budget: number | null; problems: Set<string>; samples: number; graded: number; correct: number; thinking: number; thinkingN: number }>();
  for (const s of set.samples) {
    const key = `${s.model ?? ''}\u0000${s.budget ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { model: s.model ?? '(unnamed)', budget: s.budget ?? null, problems: new Set(), samples: 0, graded: 0, correct: 0, thinking: 0, thinkingN: 0 }));
    g.problems.add(s.problemId);
    g.samples++;
    if (s.correct !== undefined) {
      g.graded++;
      g.correct += typeof s.correct === 'boolean' ? (s.correct ? 1 : 0) : s.correct;
    }
    if (s.thinkingTokens !== undefined) {
      g.thinking += s.thinkingTokens;
      g.thinkingN++;
    }
  }
  const table: TableSpec = {
    kind: 'table',
    id: 'eval-configs',
    title: 'Configurations',
    columns: ['model', 'thinking budget', 'problems', 'samples / problem', 'mean score (single sample)', 'mean thinking tokens'],
    rows: [...groups.values()].map((g) => [
      g.model,
      g.budget,
      g.problems.size,
      Number((g.samples / g.problems.size).toFixed(1)),
      g.graded ? Number((g.correct / g.graded).toFixed(4)) : null,
      g.thinkingN ? Math.round(g.thinking / g.thinkingN) : null,
    ]),
  };
  const messages: NonNullable<PanelSpec['messages']> = set.notes.map((n) => ({ severity: 'info' as const, text: n.message }));
  messages.push({ severity: 'info', text: 'Run "Scaling Lens: Show Test-Time Scaling" for pass@k, majority@k and the other curves with intervals, fitted laws and the cheapest configuration for a target.' });
  return { title: set.file.split(/[\\/]/).pop() ?? set.file, source: set.file, views: [table], messages };
}

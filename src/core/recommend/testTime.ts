import type { CostAxis } from '../tts/cost';

/**
 * Test-time budget recommendations over every configuration an eval file allows (model ×
 * thinking budget × strategy × k): the Pareto frontier of accuracy against a cost axis, and
 * the cheapest configuration reaching a target accuracy — or the statement that none does, and
 * which comes nearest. Pure functions over precomputed candidates, so a planner slider can
 * call them on every move.
 */

export interface Candidate {
  /** Stable id, e.g. `qwen3-8b @ 4096 | maj@k | k=8`. */
  id: string;
  model: string;
  budget: number | null;
  /** Curve name: `maj@k`, `bon@k`, ... */
  strategy: string;
  k: number;
  accuracy: number;
  /** Bootstrap interval of the accuracy (over problems). */
  lo: number;
  hi: number;
  /** Mean cost per problem on each axis; null where the axis is unavailable. */
  cost: Partial<Record<CostAxis, number | null>>;
}

/**
 * Candidates no other beats: sorted by cost, each strictly more accurate than every cheaper
 * one (ties in cost keep the more accurate). Candidates without this axis are left out.
 */
export function paretoFrontier(candidates: readonly Candidate[], axis: CostAxis): Candidate[] {
  const usable = candidates.filter((c) => isCost(c.cost[axis]) && Number.isFinite(c.accuracy));
  usable.sort((a, b) => a.cost[axis]! - b.cost[axis]! || b.accuracy - a.accuracy || a.id.localeCompare(b.id));
  const out: Candidate[] = [];
  let best = -Infinity;
  for (const c of usable) {
    if (c.accuracy > best) {
      out.push(c);
      best = c.accuracy;
    }
  }
  return out;
}

const isCost = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export type Recommendation =
  | {
      reached: true;
      target: number;
      axis: CostAxis;
      /** Cheapest whose accuracy estimate reaches the target. */
      choice: Candidate;
      /** Cheapest whose whole interval clears the target (the cautious choice), if any. */
      confident: Candidate | null;
      statement: string;
    }
  | {
      reached: false;
      target: number;
      axis: CostAxis;
      /** Most accurate candidate (cheapest among equals): how close the file gets. */
      nearest: Candidate | null;
      /** Whether the target is at least inside the nearest's interval. */
      withinInterval: boolean;
      statement: string;
    };

export function cheapestReaching(candidates: readonly Candidate[], target: number, axis: CostAxis): Recommendation {
  const frontier = paretoFrontier(candidates, axis);
  const choice = frontier.find((c) => c.accuracy >= target);
  const confident = paretoFrontier(candidates.filter((c) => c.lo >= target), axis)[0] ?? null;
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  if (choice) {
    const statement =
      `Cheapest configuration reaching ${pct(target)}: ${describe(choice)} — ${pct(choice.accuracy)} [${pct(choice.lo)}, ${pct(choice.hi)}] at ${formatCost(choice.cost[axis]!, axis)} per problem.` +
      (confident && confident !== choice ? ` Its interval dips below the target; ${describe(confident)} clears it entirely at ${formatCost(confident.cost[axis]!, axis)}.` : confident ? '' : ' No configuration clears the target with its whole interval.');
    return { reached: true, target, axis, choice, confident, statement };
  }
  const nearest = frontier.length ? frontier[frontier.length - 1] : null;
  const withinInterval = !!nearest && nearest.hi >= target;
  const statement = nearest
    ? `No configuration in the data reaches ${pct(target)}. The nearest is ${describe(nearest)} at ${pct(nearest.accuracy)} [${pct(nearest.lo)}, ${pct(nearest.hi)}], ${formatCost(nearest.cost[axis]!, axis)} per problem${withinInterval ? ' (the target is inside its interval)' : ''}.`
    : `No configuration has a cost on the ${axis} axis.`;
  return { reached: false, target, axis, nearest, withinInterval, statement };
}

export function describe(c: Candidate): string {
  const budget = c.budget !== null ? ` with a ${c.budget}-token thinking budget` : '';
  return `${c.model}${budget}, ${c.strategy.replace('@k', '')} over k = ${c.k}`;
}

export function formatCost(v: number, axis: CostAxis): string {
  switch (axis) {
    case 'dollars':
      return `$${v < 0.01 ? v.toPrecision(2) : v.toFixed(3)}`;
    case 'latency':
      return `${v.toPrecision(3)} s`;
    case 'samples':
      return `${v} sample${v === 1 ? '' : 's'}`;
    case 'tokens':
      return `${Math.round(v).toLocaleString('en-US')} tokens`;
    default:
      return `${v.toExponential(2)} ${axis === 'flops' ? 'FLOPs' : 'eFLOPs'}`;
  }
}

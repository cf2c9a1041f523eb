import { column } from './kernel';
import type { DataColumns, DerivedInput } from './law';

/** Inputs of compute-optimal quantities, shared by every law over N and D. */
export const trainingBudget: DerivedInput = {
  name: 'C',
  description: 'training compute budget',
  unit: 'FLOPs',
  // The next step up from the sweep: ten times its largest run.
  default: (data: DataColumns) => {
    const n = column(data, 'N');
    const d = column(data, 'D');
    let max = 0;
    for (let i = 0; i < n.length; i++) max = Math.max(max, 6 * n[i] * d[i]);
    return 10 * max;
  },
};

export const flopsPerToken: DerivedInput = {
  name: 'k',
  description: 'training FLOPs per parameter per token (C = k·N·D)',
  default: 6,
};

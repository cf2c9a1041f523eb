import type { Problem } from '../problem';

/**
 * A sweep: one point per training run, each value with the way it was obtained, so the user can
 * see it, doubt it, and override it in `.scaling-lens.json`.
 */
export type DerivationMethod =
  /** Set by the user for this run in `.scaling-lens.json`. */
  | 'override'
  /** Read from the column or key the user mapped in `.scaling-lens.json`. */
  | 'mapped'
  /** Read from the run's logged metrics. */
  | 'column'
  /** Read from the run's configuration or hyperparameters. */
  | 'config'
  /** Read from the final values the tracker kept (W&B summary, `all_results.json`). */
  | 'summary'
  /** Counted from the architecture, every term known. */
  | 'architecture'
  /** Counted from the architecture with some terms assumed (listed in `how`). */
  | 'architecture-approx'
  /** Read from the run's name (`160m`). */
  | 'name'
  /** A product of other values (steps × batch × sequence length). */
  | 'product'
  /** C ≈ 6·N·D (Kaplan et al. 2020; Hoffmann et al. 2022). */
  | '6ND'
  | 'missing';

export interface Derived {
  /** The value, or null when it could not be obtained (`how` says what was looked for). */
  value: number | null;
  method: DerivationMethod;
  /** In the user's words: what was read or computed, from which keys, under which assumptions. */
  how: string;
  /** The file (and key or column) the value came from, for a link back. */
  source?: { file: string; key?: string };
  /** Other values that could stand here, most plausible first, for the user to pick. */
  alternatives?: Derived[];
}

export interface SweepPoint {
  /** Stable name for overrides: the run's path relative to the sweep root (`#<run>` for tables of runs). */
  key: string;
  /** The run's own name (W&B display name, MLflow run name, folder name). */
  run: string;
  /** Reader that read it (`wandb`, `mlflow`, `tensorboard`, ...). */
  format: string;
  /** Parameters N: total, or non-embedding when the mapping says so. */
  N: Derived;
  /** The other convention of N, when known (non-embedding if N is total, and the reverse). */
  otherN?: Derived;
  /** Tokens seen D. */
  D: Derived;
  /** Training compute C in FLOPs. */
  C: Derived;
  /** Last training step logged. */
  steps: Derived;
  finalLoss: Derived;
  bestLoss: Derived;
  /** The loss column the losses come from (null when the loss came from the summary or an override). */
  lossColumn: string | null;
  /** Values among N, D, C and loss that could not be obtained. */
  missing: string[];
  /** Facts about the run the user should see (killed, resumed, read from a checkpoint, ...). */
  notes: string[];
  files: string[];
}

export interface RunAccount {
  key: string;
  /** The folder or file on disk. */
  path: string;
  /** The run's own name, when it got far enough to have one. */
  run?: string;
  format: string | null;
  status: 'point' | 'skipped';
  /** Why a run was skipped, in the user's words. */
  reason?: string;
  /** Problems found while reading it (errors and warnings). */
  problems: number;
}

export interface Sweep {
  root: string;
  points: SweepPoint[];
  /** Every run found, each either a point or skipped with a reason, in path order. */
  runs: RunAccount[];
  /** Files under the root that no reader claims (capped list) and how many there were. */
  ignored: { count: number; examples: string[] };
  problems: Problem[];
  /** Which size convention N follows. */
  size: 'total' | 'non-embedding';
  /** The mapping file read, if any. */
  mappingFile?: string;
}

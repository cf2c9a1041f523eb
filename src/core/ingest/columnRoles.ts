/**
 * Which column holds model size, tokens, compute, step or loss, recognised from the names
 * trainers, trackers and papers' tables use. Matching ignores case and punctuation, so
 * `Model Size`, `model_size` and `model/size` are the same name.
 */
export type Role = 'N' | 'D' | 'C' | 'step' | 'L' | 'lr' | 'batch' | 'run';

const NAMES: Record<Role, string[]> = {
  // Order matters within a role: the first name found wins.
  C: ['flops', 'compute', 'c', 'totalflops', 'trainflops', 'trainingflops', 'computeflops', 'flopsused'],
  D: ['tokens', 'd', 'ntokens', 'numtokens', 'trainingtokens', 'traintokens', 'tokensseen', 'datasize', 'dataset_size'],
  N: ['params', 'n', 'nparams', 'numparams', 'parameters', 'modelsize', 'size', 'nonembeddingparams', 'paramcount', 'numparameters'],
  step: ['step', 'globalstep', 'trainerglobalstep', 'iteration', 'iter', 'step_', 'steps'],
  L: ['evalloss', 'valloss', 'validationloss', 'testloss', 'loss', 'finalloss', 'trainloss', 'evalloss', 'l'],
  lr: ['lr', 'learningrate', 'trainlearningrate'],
  batch: ['batchsize', 'bs', 'globalbatchsize', 'batch'],
  run: ['run', 'runname', 'runid', 'name', 'model', 'experiment', 'id'],
};

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** The column for a role, or undefined. `candidates` are the columns eligible for it. */
export function findColumn(role: Role, candidates: readonly string[]): string | undefined {
  return findColumns(role, candidates)[0];
}

/** Every column that can play a role, most likely first. */
export function findColumns(role: Role, candidates: readonly string[]): string[] {
  const byNorm = new Map<string, string>();
  for (const c of candidates) {
    const n = normalizeName(c);
    if (!byNorm.has(n)) byNorm.set(n, c);
  }
  for (const c of candidates) {
    // `eval/loss` and `train/loss` also answer to their last path segment.
    const last = normalizeName(c.split(/[/.]/).pop() ?? c);
    if (!byNorm.has(last)) byNorm.set(last, c);
  }
  const out: string[] = [];
  for (const name of NAMES[role]) {
    const hit = byNorm.get(normalizeName(name));
    if (hit !== undefined && !out.includes(hit)) out.push(hit);
  }
  // Loggers decorate loss names (`train_loss_step`, `loss/total`): any other *loss* column is a
  // last resort.
  if (role === 'L') for (const c of candidates) if (normalizeName(c).includes('loss') && !out.includes(c)) out.push(c);
  return out;
}

export const ROLE_LABEL: Record<Role, string> = {
  N: 'parameters N',
  D: 'tokens D',
  C: 'compute C (FLOPs)',
  step: 'step',
  L: 'loss',
  lr: 'learning rate',
  batch: 'batch size',
  run: 'run',
};

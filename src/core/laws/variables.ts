import type { Response, Variable } from './law';

/** The training-scale variables shared by several laws, so their names and units agree. */
export const modelSize: Variable = {
  name: 'N',
  description: 'model parameters',
  unit: 'parameters',
  domain: 'positive',
};

export const trainingTokens: Variable = {
  name: 'D',
  description: 'training tokens',
  unit: 'tokens',
  domain: 'positive',
};

export const trainingCompute: Variable = {
  name: 'C',
  description: 'training compute',
  unit: 'FLOPs',
  domain: 'positive',
};

export type ScaleVariable = 'N' | 'D' | 'C';

export const scaleVariables: Readonly<Record<ScaleVariable, Variable>> = {
  N: modelSize,
  D: trainingTokens,
  C: trainingCompute,
};

export const loss: Response = {
  name: 'L',
  description: 'loss (nats per token)',
  domain: 'positive',
};

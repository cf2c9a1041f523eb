import type { Law } from './law';
import { chinchilla } from './chinchilla';
import { farseer } from './farseer';
import { gadreDownstream, gadreOvertraining } from './gadre';
import { kaplanC, kaplanD, kaplanN, kaplanND } from './kaplan';
import { lrAnnealing } from './lrAnnealing';
import { parScale } from './parScale';
import { powerLawC, powerLawD, powerLawN, purePowerLawC, purePowerLawD, purePowerLawN } from './powerLaw';
import { scaleRlSigmoid } from './scaleRl';
import { stepLawBatch, stepLawLr } from './stepLaw';

/** Every built-in law, in the order menus list them. Adding a law: a module and a line here. */
export const laws: readonly Law[] = [
  chinchilla,
  kaplanND,
  powerLawN,
  powerLawD,
  powerLawC,
  purePowerLawN,
  purePowerLawD,
  purePowerLawC,
  kaplanN,
  kaplanD,
  kaplanC,
  farseer,
  gadreOvertraining,
  gadreDownstream,
  lrAnnealing,
  parScale,
  scaleRlSigmoid,
  stepLawLr,
  stepLawBatch,
];

/** The law with this id, ignoring case (`--law Chinchilla` works), or undefined. */
export function findLaw(id: string): Law | undefined {
  const wanted = id.toLowerCase();
  return laws.find((law) => law.id.toLowerCase() === wanted);
}

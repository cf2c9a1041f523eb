import type { Law } from '../../laws/law';
import { powerLawCeiling, sigmoidLogCompute } from './accuracyBudget';
import { coverageLaw } from './coverage';

export { coverageLaw, powerLawCeiling, sigmoidLogCompute };
export { fitTestTimeLaw, type TestTimeLawFit, type TestTimeFitOptions } from './fitTestTime';
export { firstBelow, dataSaturation, type DataSaturation } from './saturation';

/** The test-time laws, for menus and `--law`. */
export const testTimeLaws: readonly Law[] = [coverageLaw, powerLawCeiling, sigmoidLogCompute];

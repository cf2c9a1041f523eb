/**
 * Information criteria from residuals, under Gaussian residuals in the fit's space. The noise
 * variance counts as a parameter (k = p + 1), so laws with different p compare fairly; values
 * only mean something between fits of the same data.
 */
export interface Criteria {
  rss: number;
  rmse: number;
  aic: number;
  bic: number;
}

export function informationCriteria(residuals: ArrayLike<number>, parameters: number): Criteria {
  const n = residuals.length;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += residuals[i] * residuals[i];
  // An exact fit would give −∞; a floor far below any real noise keeps the numbers finite.
  const logVariance = Math.log(Math.max(rss / n, 1e-300));
  const k = parameters + 1;
  return {
    rss,
    rmse: Math.sqrt(rss / n),
    aic: n * logVariance + 2 * k,
    bic: n * logVariance + k * Math.log(n),
  };
}

/**
 * runs is how many cases a property test tries: `n`, scaled by SITECTL_PROPERTY_RUNS_SCALE.
 * The mutation tests (npm run mutate) set it below 1: they run every covering test once per
 * mutant, and a mutant a property notices is noticed within its first cases.
 */
export function runs(n: number): number {
  const scale = Number(process.env.SITECTL_PROPERTY_RUNS_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

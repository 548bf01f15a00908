import { defineConfig } from 'vitest/config';

// The unit tests beside the code: they import src/ directly, so a mutant of src/ reaches them.
// The end-to-end tests run the built CLI in dist/, which a mutant never reaches.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    // Each covering test runs once per mutant, so property tests try a twentieth of their cases
    // (test/support/runs.ts): a mutant a property notices is noticed within the first few.
    env: { SITECTL_PROPERTY_RUNS_SCALE: '0.05' },
  },
});

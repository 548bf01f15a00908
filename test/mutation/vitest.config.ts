import { defineConfig } from 'vitest/config';

// The unit tests beside the code: they import src/ directly, so a mutant of src/ reaches them.
// The end-to-end tests run the built CLI in dist/, which a mutant never reaches.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    // Each covering test runs once per mutant: a fifth of the property cases keeps a run of
    // the six folders to about an hour on two cores (test/support/runs.ts).
    env: { SITECTL_PROPERTY_RUNS_SCALE: '0.2' },
  },
});

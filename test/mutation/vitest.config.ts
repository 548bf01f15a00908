import { defineConfig } from 'vitest/config';

// The unit tests beside the code: they import src/ directly, so a mutant of src/ reaches them.
// The end-to-end tests run the built CLI in dist/, which a mutant never reaches.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});

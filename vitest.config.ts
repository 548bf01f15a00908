import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/powershell-setup.ts'],
    // CLI tests spawn real processes; give a loaded 2-core machine room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

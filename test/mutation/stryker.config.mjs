// Mutation testing (npm run mutate, not in CI: it takes long): StrykerJS changes the core's
// code one mutant at a time and runs the unit tests that cover it; a mutant no test notices
// is a behaviour no test holds. Scoped to what decides what sitectl writes.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts' },
  mutate: [
    'src/plan/**/*.ts',
    'src/rules/**/*.ts',
    'src/resolve/**/*.ts',
    'src/apply/**/*.ts',
    'src/backend/**/*.ts',
    'src/cli/render/powershell*.ts',
    '!src/**/*.test.ts',
  ],
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant) is run against every test, the PowerShell ones
  // included: each costs minutes. They are left out and reported as Ignored; the score is of the rest.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};

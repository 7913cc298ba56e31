import { defineConfig } from 'vitest/config';

/**
 * Settings every package's tests share. Each run also writes `.vitest-results.json` beside the
 * package so `scripts/test.mjs` can total the whole workspace.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});

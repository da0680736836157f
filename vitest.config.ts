import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that load a model or start Chromium need more than the 5 s default on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The embedding model is single-threaded wasm; two files at a time keeps both cores busy without thrashing.
    maxWorkers: 2,
  },
});

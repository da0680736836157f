import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that load the real model (or spawn commands that do), read the shared corpus, drive Chromium or flood
 * a server: minutes on a 2-core machine. Everything else is the fast tier (`npm run test:fast`), which runs
 * ranking and answering on hand-made vectors (test/support/topic-embedder.ts) in seconds.
 */
const SLOW = [
  'test/eval/seed-gate.test.ts',
  'test/eval/corpus-gate.test.ts',
  'test/web/**/*.test.ts',
  'test/serve/load.test.ts',
  'test/serve/held.test.ts',
  'test/serve/server.test.ts',
  'test/serve/start.test.ts',
  'test/answer/answer.test.ts',
  'test/embed/input.test.ts',
  'test/index/faults.test.ts',
  'test/index/ingest.test.ts',
  'test/index/input-files.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/input.test.ts',
  'test/parse/corpus.test.ts',
  'test/parse/formats-agreement.test.ts',
];

export default defineConfig({
  test: {
    // Tests that load a model or start Chromium need more than the 5 s default on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The embedding model is single-threaded wasm; two files at a time keeps both cores busy without thrashing.
    maxWorkers: 2,
    projects: [
      // Each project names its own files: an include here would be added to one at the top, not replace it.
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});

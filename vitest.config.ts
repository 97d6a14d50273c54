import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Render tests launch Chromium and ffmpeg; two cores are all we have.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

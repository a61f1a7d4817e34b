import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['contracts/**/*.test.ts', 'tracker/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // the fuzz's length and seed, from the host (`npm run fuzz`) into workerd
            miniflare: { bindings: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? '', FUZZ_SEED: process.env.FUZZ_SEED ?? '' } },
          }),
        ],
        test: {
          name: 'worker',
          include: ['worker/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});

import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { RECORDING_TRACKER_HOST, recordingTracker } from './worker/src/testing/recording-tracker.ts';

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
            miniflare: {
              bindings: {
                // the fuzz's length and seed, from the host (`npm run fuzz`) into workerd
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
                FUZZ_SEED: process.env.FUZZ_SEED ?? '',
                // the events queue's consumer posts to the recording tracker
                TRACKER_URL: `http://${RECORDING_TRACKER_HOST}`,
                INGEST_TOKEN: 'test-ingest-token',
              },
              outboundService: recordingTracker(),
            },
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

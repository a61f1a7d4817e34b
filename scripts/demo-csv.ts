/**
 * `npm run demo-csv -- FILE [--samples N] [--demo-seed S]`: writes the demo data set (the port of
 * scikit-learn's `make_classification` the demo model trains on) as CSV: `f0`…`f19`, then `is_fraud`
 * (0 or 1), every number as JavaScript prints it (which reads back to the same double).
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCsv } from './lib/csv.ts';
import { DEMO_DATASET, makeClassification } from './lib/make-classification.ts';

/** The demo data set as CSV text. */
export function demoCsv(nSamples: number = DEMO_DATASET.nSamples, seed: number = DEMO_DATASET.seed): string {
  const { X, y } = makeClassification({ ...DEMO_DATASET, nSamples, seed });
  return formatCsv({
    header: [...X[0]!.map((_, j) => `f${j}`), 'is_fraud'],
    rows: X.map((row, i) => [...row.map(String), String(y[i])]),
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: { samples: { type: 'string' }, 'demo-seed': { type: 'string' } },
      allowPositionals: true,
    });
    const n = Number(values.samples ?? DEMO_DATASET.nSamples);
    const seed = Number(values['demo-seed'] ?? DEMO_DATASET.seed);
    if (positionals.length !== 1 || !Number.isInteger(n) || n < 10 || !Number.isInteger(seed) || seed < 0) {
      throw new Error('usage: npm run demo-csv -- FILE [--samples N (≥ 10)] [--demo-seed S]');
    }
    await writeFile(positionals[0]!, demoCsv(n, seed));
    console.log(`wrote ${n} rows × ${DEMO_DATASET.nFeatures} features + is_fraud to ${positionals[0]}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
  }
}

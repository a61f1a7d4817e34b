import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csvDatasetInput } from './dataset-lineage.ts';

describe('csvDatasetInput', () => {
  const bytes = new TextEncoder().encode('a,b,y\n1,x,0\n,y,1\n');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const columns = [
    { name: 'a', kind: 'numeric' as const, missing: 1, distinct: 1 },
    { name: 'b', kind: 'categorical' as const, missing: 0, distinct: 2 },
    { name: 'y', kind: 'numeric' as const, missing: 0, distinct: 2 },
  ];

  it("records the file as MLflow's log-inputs has a dataset: digest, source, schema, profile", () => {
    const input = csvDatasetInput({
      path: '/data/tx.csv',
      bytes,
      columns,
      rows: 2,
      datasetDigest: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(input.tags).toEqual([{ key: 'mlflow.data.context', value: 'training' }]);
    expect(input.dataset).toEqual({
      name: 'tx.csv',
      digest: sha256.slice(0, 16),
      source_type: 'local',
      source: JSON.stringify({
        uri: 'file:///data/tx.csv',
        sha256,
        dataset_digest: 'd41d8cd98f00b204e9800998ecf8427e',
      }),
      schema: JSON.stringify({
        mlflow_colspec: [
          { type: 'double', name: 'a', required: false },
          { type: 'string', name: 'b', required: true },
          { type: 'double', name: 'y', required: true },
        ],
      }),
      profile: JSON.stringify({ num_rows: 2, num_elements: 6, missing_cells: 1, missing_by_column: { a: 1 } }),
    });
  });

  it('leaves the per-column counts out of a profile that would pass 16 KB', () => {
    const wide = Array.from({ length: 2000 }, (_, i) => ({
      name: `column_${i}`,
      kind: 'numeric' as const,
      missing: 3,
      distinct: 1,
    }));
    const profile = JSON.parse(csvDatasetInput({ path: 'x.csv', bytes, columns: wide, rows: 10 }).dataset.profile!);
    expect(profile).toEqual({ num_rows: 10, num_elements: 20_000, missing_cells: 6000 });
  });
});

import { describe, expect, it } from 'vitest';
import { decodePointer, Pointer } from './pointer.ts';

const good = {
  model: 'fraud-detector',
  version: '3',
  artifacts: 'models/fraud-detector/3/',
  modelJsonSha256: 'ab'.repeat(32),
  promotedAt: '2026-11-26T12:00:00Z',
  previous: '2',
  canary: { version: '4', weight: 0.1 },
  shadow: { version: '5' },
};

describe('Pointer', () => {
  it('accepts the documented pointer', () => {
    expect(Pointer.parse(good)).toEqual(good);
  });

  it.each([
    ['version 0', { version: '0' }],
    ['non-numeric version', { version: 'v3' }],
    ['artifacts without trailing slash', { artifacts: 'models/fraud-detector/3' }],
    ['short sha', { modelJsonSha256: 'abc' }],
    ['bad time', { promotedAt: 'yesterday' }],
    ['canary weight above 1', { canary: { version: '4', weight: 1.5 } }],
  ])('rejects %s', (_, patch) => {
    expect(Pointer.safeParse({ ...good, ...patch }).success).toBe(false);
  });
});

describe('decodePointer', () => {
  const raw = (patch: object = {}) => JSON.stringify({ ...good, ...patch });

  it('decodes the pointer of the model it is read for', () => {
    expect(decodePointer(raw(), 'fraud-detector')).toEqual({ pointer: good });
  });

  it.each([
    ['not JSON', '{', 'fraud-detector', 'the KV value is not JSON'],
    ['a bad field', raw({ version: 'v3' }), 'fraud-detector', 'version: version must be a positive integer string'],
    ['another model', raw(), 'other', 'the pointer names model "fraud-detector"'],
    [
      'artifacts of another version',
      raw({ artifacts: 'models/fraud-detector/2/' }),
      'fraud-detector',
      'artifacts: must be "models/fraud-detector/3/", the folder of version 3',
    ],
  ])('says what is wrong with %s', (_, value, model, invalid) => {
    expect(decodePointer(value, model)).toEqual({ invalid });
  });
});

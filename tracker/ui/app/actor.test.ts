import { describe, expect, it } from 'vitest';
import { decodeActor, encodeActorHeader } from '../../../contracts/actor.ts';

describe('encodeActorHeader', () => {
  it('sends printable ASCII as it is', () => {
    expect(encodeActorHeader('ana <ops> & co')).toBe('ana <ops> & co');
  });

  it('percent-encodes what a header cannot carry, and what would read as encoded', () => {
    expect(encodeActorHeader('Zoë 王')).toBe(`UTF-8''Zo%C3%AB%20%E7%8E%8B`);
    expect(encodeActorHeader('a\nb')).toBe(`UTF-8''a%0Ab`);
    expect(encodeActorHeader(`utf-8''x`)).toBe(`UTF-8''utf-8''x`);
    // Every value it gives is a valid header value (fetch throws on anything else).
    for (const name of ['Zoë 王', 'a\nb', '😀', `utf-8''x`])
      expect(() => new Headers({ 'x-edgeflow-actor': encodeActorHeader(name) })).not.toThrow();
  });

  it('round-trips through the tracker’s decoding', () => {
    for (const name of ['ana', 'Zoë 王', '😀 <img src=x>', `utf-8''x`, '100%', '%41']) {
      expect(decodeActor(encodeActorHeader(name))).toBe(name);
    }
  });
});

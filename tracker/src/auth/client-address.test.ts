import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

describe('clientAddress', () => {
  const app = (trustProxy: boolean) => new Hono().get('/', (c) => c.text(clientAddress(c, trustProxy)));
  const from = async (trustProxy: boolean, headers: Record<string, string> = {}) =>
    (await app(trustProxy).request('/', { headers })).text();

  it('ignores X-Forwarded-For unless a proxy is trusted; then takes the entry the proxy appended (the last)', async () => {
    expect(await from(false, { 'x-forwarded-for': '203.0.113.9' })).toBe('local');
    expect(await from(true, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' })).toBe('203.0.113.9');
    expect(await from(true)).toBe('local');
  });
});

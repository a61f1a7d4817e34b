import { describe, expect, it } from 'vitest';
import { isAllowedHost, LOOPBACK_HOSTS, parseAllowedHosts } from './allowed-hosts.ts';

describe('parseAllowedHosts', () => {
  it('is the loopback names on any port when EDGEFLOW_ALLOWED_HOSTS is unset or blank', () => {
    expect(parseAllowedHosts(undefined)).toEqual(LOOPBACK_HOSTS);
    expect(parseAllowedHosts(' ')).toEqual([{ name: 'localhost' }, { name: '127.0.0.1' }, { name: '[::1]' }]);
  });

  it('adds the listed names, lowercased, each on its port or any', () => {
    expect(
      parseAllowedHosts(' Tracker.Example.com , tracker.example.com:8443,10.0.0.5,[::1]:5001,[FE80:0::1],'),
    ).toEqual([
      ...LOOPBACK_HOSTS,
      { name: 'tracker.example.com' },
      { name: 'tracker.example.com', port: 8443 },
      { name: '10.0.0.5' },
      { name: '[::1]', port: 5001 },
      { name: '[fe80::1]' },
    ]);
  });

  it('refuses what is not a host name with an optional port, naming the variable and the item', () => {
    for (const bad of [
      'https://tracker.example.com',
      'tracker.example.com/',
      '*.example.com',
      '*',
      'tracker.example.com:0',
      'tracker.example.com:70000',
      'tracker.example.com:port',
      'tracker example.com',
      '-tracker.example.com',
      '::1',
      '[nope]',
      'user@tracker.example.com',
    ]) {
      expect(() => parseAllowedHosts(`localhost,${bad}`), bad).toThrow(
        `EDGEFLOW_ALLOWED_HOSTS must list host names, each with an optional :port, separated by commas (e.g. "tracker.example.com,tracker.example.com:8443"); "${bad}" is not one`,
      );
    }
  });
});

describe('isAllowedHost', () => {
  const allowed = parseAllowedHosts('tracker.example.com,ci.example.com:8443');

  it('takes the loopback names on any port, without one too', () => {
    for (const host of ['localhost', 'localhost:5000', 'LOCALHOST:1', '127.0.0.1:5000', '[::1]:5000', '[::1]']) {
      expect(isAllowedHost(allowed, host), host).toBe(true);
    }
    expect(isAllowedHost(allowed, '[0:0:0:0:0:0:0:1]:5000')).toBe(true);
  });

  it('takes a listed name on any port unless it names one', () => {
    expect(isAllowedHost(allowed, 'tracker.example.com')).toBe(true);
    expect(isAllowedHost(allowed, 'Tracker.Example.COM:443')).toBe(true);
    expect(isAllowedHost(allowed, 'ci.example.com:8443')).toBe(true);
    expect(isAllowedHost(allowed, 'ci.example.com')).toBe(false);
    expect(isAllowedHost(allowed, 'ci.example.com:8444')).toBe(false);
  });

  it('refuses every other name, look-alikes and malformed hosts included', () => {
    for (const host of [
      'attacker.example:5000',
      'tracker.example.com.attacker.example',
      'localhost.attacker.example',
      'localhost.',
      '127.0.0.2:5000',
      '0.0.0.0:5000',
      '[::2]:5000',
      'localhost:',
      'localhost:99999',
      'localhost:5000/x',
      'user@localhost',
      '',
    ]) {
      expect(isAllowedHost(allowed, host), host).toBe(false);
    }
  });
});

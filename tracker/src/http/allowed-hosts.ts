import { isIPv6 } from 'node:net';

/** A host name the tracker answers to: lowercase, an IPv6 address in brackets; on one port or any. */
export interface AllowedHost {
  name: string;
  /** Absent: any port. */
  port?: number;
}

/**
 * The loopback names, on any port: always allowed. A browser sends one of them only for a page it
 * loaded from this machine under that name, never for a page of another site (DNS rebinding makes a
 * foreign name point at the tracker, but the browser still sends the foreign name).
 */
export const LOOPBACK_HOSTS: readonly AllowedHost[] = [{ name: 'localhost' }, { name: '127.0.0.1' }, { name: '[::1]' }];

const DNS_NAME = /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/;
const HOST = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/;

/**
 * `EDGEFLOW_ALLOWED_HOSTS` as a list: comma-separated host names (`tracker.example.com`), IPv4 or
 * bracketed IPv6 addresses, each with an optional `:port`; the loopback names always come first.
 * Throws an error naming the variable on anything else (a URL, a path, a wildcard).
 */
export function parseAllowedHosts(text: string | undefined): readonly AllowedHost[] {
  const listed = (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const host = parseHost(item);
      if (!host) {
        throw new Error(
          `EDGEFLOW_ALLOWED_HOSTS must list host names, each with an optional :port, separated by commas (e.g. "tracker.example.com,tracker.example.com:8443"); "${item}" is not one`,
        );
      }
      return host;
    });
  return [...LOOPBACK_HOSTS, ...listed];
}

/** Whether `host` — as a Host header or a URL's `host` names it, `name[:port]` — is in `allowed`. */
export function isAllowedHost(allowed: readonly AllowedHost[], host: string): boolean {
  const given = parseHost(host);
  return (
    given !== undefined && allowed.some((a) => a.name === given.name && (a.port === undefined || a.port === given.port))
  );
}

/** `name[:port]` as an `AllowedHost`, or undefined when it is not a valid host. */
function parseHost(text: string): AllowedHost | undefined {
  const m = HOST.exec(text.toLowerCase());
  if (!m) return undefined;
  const [, given = '', digits] = m;
  const bracketed = given.startsWith('[');
  if (bracketed ? !isIPv6(given.slice(1, -1)) : !DNS_NAME.test(given)) return undefined;
  // One spelling per IPv6 address: [0:0:0:0:0:0:0:1] is [::1].
  const name = bracketed ? new URL(`http://${given}`).hostname : given;
  if (digits === undefined) return { name };
  const port = Number(digits);
  return port >= 1 && port <= 65535 ? { name, port } : undefined;
}

import { invalid } from '../errors.ts';

/*
 * URIs as MLflow's server reads them with Python's `urllib.parse`: the same parts, the same decoding.
 */

/** A URI's parts, as `urllib.parse.urlparse` names them. */
export interface UrlParts {
  /** Lowercased; '' for none. */
  scheme: string;
  /** Lowercased, without user info and port; null without a `//` authority. */
  hostname: string | null;
  path: string;
  query: string;
  fragment: string;
}

/** The parts of a URI as Python's `urllib.parse.urlparse` splits them (scheme lowercased). */
export function parseUrl(uri: string): UrlParts {
  const text = uri.replace(/[\t\r\n]/g, '');
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  const scheme = m ? m[1]!.toLowerCase() : '';
  let rest = m ? text.slice(m[0].length) : text;
  let hostname: string | null = null;
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    const netloc = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end === -1 ? '' : rest.slice(2 + end);
    const host = netloc.slice(netloc.lastIndexOf('@') + 1).replace(/:\d*$/, '');
    hostname = host ? host.toLowerCase().replace(/^\[(.*)\]$/, '$1') : null;
  }
  const hash = rest.indexOf('#');
  const fragment = hash === -1 ? '' : rest.slice(hash + 1);
  if (hash !== -1) rest = rest.slice(0, hash);
  const mark = rest.indexOf('?');
  const query = mark === -1 ? '' : rest.slice(mark + 1);
  let path = mark === -1 ? rest : rest.slice(0, mark);
  if (PARAM_SCHEMES.has(scheme)) {
    const semi = path.indexOf(';', path.lastIndexOf('/'));
    if (semi !== -1) path = path.slice(0, path.indexOf(';'));
  }
  return { scheme, hostname, path, query, fragment };
}

/** The schemes whose last path segment Python's `urlparse` splits `;params` from. */
const PARAM_SCHEMES = new Set([
  '',
  'ftp',
  'hdl',
  'prospero',
  'http',
  'imap',
  'https',
  'shttp',
  'rtsp',
  'rtsps',
  'rtspu',
  'sip',
  'sips',
  'mms',
  'sftp',
  'tel',
]);

/** True for a host name other than `.`, `localhost…` and `127.0.0.1…` (MLflow's `is_local_uri`). */
export function isRemoteHost(hostname: string | null): boolean {
  return !!hostname && !(hostname === '.' || hostname.startsWith('localhost') || hostname.startsWith('127.0.0.1'));
}

/** Python's `unquote_plus`: `+` is a space, then `unquote`. */
export function unquotePlus(text: string): string {
  return unquote(text.replaceAll('+', ' '));
}

/** Python's `unquote`: runs of `%XX` decoded as UTF-8 (bad bytes → U+FFFD), anything else left as it is. */
export function unquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder().decode(bytes);
  });
}

/** MLflow's `is_local_uri` for artifact and source URIs: no scheme, or `file:` (INVALID_PARAMETER_VALUE for `file://<remote host>`). */
export function isLocalUri(uri: string): boolean {
  const { scheme, hostname } = parseUrl(uri);
  if (scheme === 'file' && isRemoteHost(hostname)) {
    throw invalid(
      `${uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).`,
    );
  }
  return scheme === '' || scheme === 'file';
}

/** MLflow's `local_file_uri_to_path`: a local URI's file-system path (`file:` dropped), percent-decoded. */
export function localPath(uri: string): string {
  return unquote(uri.startsWith('file:') ? parseUrl(uri).path : uri);
}

/**
 * MLflow's `resolve_uri_if_local`: a relative local path becomes absolute against `cwd` (`runs` →
 * `<cwd>/runs`, `file:runs` → `file://<cwd>/runs`); any other URI is kept as it is.
 */
export function resolveUriIfLocal(uri: string, cwd: string = process.cwd()): string {
  if (!isLocalUri(uri)) return uri;
  const path = localPath(uri);
  if (path.startsWith('/')) return uri;
  const absolute = [cwd.replace(/\/+$/, ''), ...path.split('/').filter((s) => s !== '' && s !== '.')].join('/');
  const parts = parseUrl(uri);
  if (parts.scheme === '') return absolute;
  return `${parts.scheme}://${absolute}${parts.query ? `?${parts.query}` : ''}${parts.fragment ? `#${parts.fragment}` : ''}`;
}

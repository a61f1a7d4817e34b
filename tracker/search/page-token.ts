import { SearchSyntaxError } from './filter-ast.ts';

/** An opaque page token: base64url of `{"offset": n}`. */
export function encodePageToken(offset: number): string {
  return btoa(JSON.stringify({ offset })).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The offset a page token holds (0 for none); a token this module did not make throws `SearchSyntaxError`. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) throw new Error('bad characters');
    const value = JSON.parse(atob(token.replaceAll('-', '+').replaceAll('_', '/'))) as { offset?: unknown };
    const { offset } = value;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 && Object.keys(value).length === 1)
      return offset;
  } catch {
    // fall through
  }
  throw new SearchSyntaxError(`invalid page token '${token.slice(0, 100)}'`, 0);
}

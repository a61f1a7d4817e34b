import { describe, expect, it } from 'vitest';
import { artifactDownloadUrl } from './artifact-url.ts';
import { isSafeHref } from './dom.ts';
import { escapeHtml } from './escape.ts';
import { quoteString } from './search-string.ts';

describe('escapeHtml', () => {
  it('neutralises markup and attribute breakouts', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(escapeHtml("a'b&c")).toBe('a&#39;b&amp;c');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('isSafeHref', () => {
  it('allows same-origin paths and http(s), refuses script and data URLs', () => {
    expect(isSafeHref('/runs/1')).toBe(true);
    expect(isSafeHref('https://example.com')).toBe(true);
    expect(isSafeHref('javascript:alert(1)')).toBe(false);
    expect(isSafeHref('JaVaScRiPt:alert(1)')).toBe(false);
    expect(isSafeHref('data:text/html,<script>')).toBe(false);
  });
});

describe('quoteString', () => {
  it('quotes for the search grammar', () => {
    expect(quoteString('abc')).toBe("'abc'");
    expect(quoteString("it's")).toBe(`"it's"`);
  });
});

describe('artifactDownloadUrl', () => {
  it('maps mlflow-artifacts URIs onto the proxied download endpoint', () => {
    expect(artifactDownloadUrl('mlflow-artifacts:/1/abc/artifacts', 'model/model.json')).toBe(
      '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/model.json',
    );
    expect(artifactDownloadUrl('mlflow-artifacts://host:5000/1/abc/artifacts/', 'a b.txt')).toBe(
      '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a%20b.txt',
    );
  });
  it('refuses other schemes and path traversal', () => {
    expect(artifactDownloadUrl('s3://bucket/x', 'a')).toBeNull();
    expect(artifactDownloadUrl(undefined, 'a')).toBeNull();
    expect(artifactDownloadUrl('mlflow-artifacts:/1/abc/artifacts', '../../etc/passwd')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { setKvNamespaceId } from './set-kv-namespace-id.ts';

describe('setKvNamespaceId', () => {
  it('changes only the id value of the entry with that binding, comments and spacing kept', () => {
    const toml = [
      '# header comment',
      'name = "w"',
      '',
      '[[kv_namespaces]]',
      'binding = "OTHER"',
      'id = "keep-me"',
      '',
      '[[kv_namespaces]]   # pointers',
      "  binding = 'POINTERS'",
      '  id   =   "old"  # set by setup',
      '',
      '[vars]',
      'id = "not-this-one"',
    ].join('\n');
    const out = setKvNamespaceId(toml, 'POINTERS', 'abc123');
    expect(out.split('\n')).toEqual([
      ...toml.split('\n').slice(0, 9),
      '  id   =   "abc123"  # set by setup',
      ...toml.split('\n').slice(10),
    ]);
  });

  it('keeps CRLF line endings', () => {
    const toml = '[[kv_namespaces]]\r\nbinding = "POINTERS"\r\nid = "old"\r\n';
    expect(setKvNamespaceId(toml, 'POINTERS', 'new')).toBe(
      '[[kv_namespaces]]\r\nbinding = "POINTERS"\r\nid = "new"\r\n',
    );
  });

  it('adds an id line after the binding when the entry has none', () => {
    const toml = '[[kv_namespaces]]\nbinding = "POINTERS"\npreview_id = "p"\n\n[vars]\nA = "1"\n';
    expect(setKvNamespaceId(toml, 'POINTERS', 'new')).toBe(
      '[[kv_namespaces]]\nbinding = "POINTERS"\nid = "new"\npreview_id = "p"\n\n[vars]\nA = "1"\n',
    );
  });

  it('refuses when no [[kv_namespaces]] table names the binding', () => {
    expect(() => setKvNamespaceId('kv_namespaces = [{ binding = "POINTERS", id = "x" }]\n', 'POINTERS', 'n')).toThrow(
      'no [[kv_namespaces]] table with binding = "POINTERS" to write the namespace id into',
    );
    expect(() => setKvNamespaceId('[[kv_namespaces]]\nbinding = "OTHER"\nid = "x"\n', 'POINTERS', 'n')).toThrow(
      /binding = "POINTERS"/,
    );
  });
});

/**
 * `toml` (a wrangler.toml) with the `id` of the `[[kv_namespaces]]` entry whose `binding` is `binding`
 * set to `id`, every other byte (comments, spacing, line endings, a comment after the id) as it was.
 * Without an `id` line in that entry, one is added after its `binding` line. Throws when no
 * `[[kv_namespaces]]` table names the binding (an inline-table form, say), rather than guess.
 */
export function setKvNamespaceId(toml: string, binding: string, id: string): string {
  const lines = toml.split('\n');
  const isHeader = (line: string) => /^\s*\[/.test(line);
  for (let start = 0; start < lines.length; start++) {
    if (!/^\s*\[\[\s*kv_namespaces\s*\]\]\s*(#.*)?\r?$/.test(lines[start]!)) continue;
    let end = start + 1;
    while (end < lines.length && !isHeader(lines[end]!)) end++;
    const block = lines.slice(start + 1, end);
    const bindingAt = block.findIndex((l) => stringValue(l, 'binding') === binding);
    if (bindingAt < 0) continue;
    const idAt = block.findIndex((l) => stringValue(l, 'id') !== undefined);
    if (idAt >= 0) {
      const line = block[idAt]!;
      lines[start + 1 + idAt] = line.replace(/^(\s*id\s*=\s*)(["'])[^"']*\2/, `$1"${id}"`);
    } else {
      const bindingLine = block[bindingAt]!;
      const indent = /^\s*/.exec(bindingLine)![0];
      const eol = bindingLine.endsWith('\r') ? '\r' : '';
      lines.splice(start + 2 + bindingAt, 0, `${indent}id = "${id}"${eol}`);
    }
    return lines.join('\n');
  }
  throw new Error(`no [[kv_namespaces]] table with binding = "${binding}" to write the namespace id into`);
}

/** The value of `key = "value"` (or single-quoted) on `line`, else undefined. */
function stringValue(line: string, key: string): string | undefined {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*(["'])([^"']*)\\1\\s*(#.*)?\\r?$`).exec(line);
  return m?.[2];
}

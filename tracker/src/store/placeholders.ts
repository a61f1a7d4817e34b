const rowTexts = new Map<string, string>();

/** `?, ?, …`: `n` placeholders, for an `IN (…)` list. */
export function marks(n: number): string {
  return Array(n).fill('?').join(', ');
}

/** `(?,?,…),(?,?,…)…`: `count` rows of `width` placeholders, for a multi-row `VALUES` (cached: the same shapes recur). */
export function rows(count: number, width: number): string {
  const id = `${count}x${width}`;
  let text = rowTexts.get(id);
  if (!text) {
    text = Array(count)
      .fill(`(${Array(width).fill('?').join(',')})`)
      .join(',');
    if (rowTexts.size < 4096) rowTexts.set(id, text);
  }
  return text;
}

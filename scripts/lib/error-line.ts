/**
 * One line for an error: its message and those of its causes (`fetch failed: connect ECONNREFUSED …`),
 * each cut to its first line.
 */
export function errorLine(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && parts.length < 5; ) {
    const message = e instanceof Error ? e.message : String(e);
    const line = message.split('\n')[0]!.trim();
    if (line && !parts.includes(line)) parts.push(line);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

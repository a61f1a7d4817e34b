/** Quotes a value as a string literal of MLflow's search grammar. */
export function quoteString(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `'${value.replace(/'/g, "\\'")}'`;
}

/**
 * SQL that prints a stored metric `value` exactly. NaN is stored as NULL and ±Infinity as out-of-range
 * reals; MLflow writes them as the strings "NaN", "Infinity", "-Infinity". Finite values get 17
 * significant digits (trailing zeros dropped), which always parse back to the same double. Shorter forms
 * are not tried: telling whether one round-trips needs SQLite's text-to-real conversion, which is off by
 * one unit in the last place for about 1 value in 10,000. SQLite's own JSON functions keep only 15 digits.
 */
const printed = (quote: string) =>
  `CASE WHEN value IS NULL THEN '${quote}NaN${quote}' ` +
  `WHEN value > 1.7976931348623157e308 THEN '${quote}Infinity${quote}' ` +
  `WHEN value < -1.7976931348623157e308 THEN '${quote}-Infinity${quote}' ` +
  `ELSE printf('%!.17g', value) END`;

/** The value as JSON text (special values as JSON strings). */
export const VALUE_JSON = printed('"');

/** The value as text (special values bare), for rows that JSON is built from later. */
export const VALUE_TEXT = printed('');

/** Parses JSON built with `VALUE_JSON`: the "NaN"/"Infinity"/"-Infinity" values become numbers again. */
export function parseMetricJson<T>(text: string): T {
  return JSON.parse(text, (k, v: unknown) => (k === 'value' && typeof v === 'string' ? Number(v) : v)) as T;
}

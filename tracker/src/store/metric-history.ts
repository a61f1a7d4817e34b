import type { Client } from '@libsql/client';
import { MlflowError } from '../errors.ts';
import type { MetricHistoryPage } from './entities.ts';
import { runNotFound } from './guards.ts';
import { parseMetricJson, VALUE_JSON } from './value-sql.ts';

/** Where a page of a metric's history ends: its last point in (step, timestamp, value) order. */
export interface HistoryCursor {
  step: number;
  timestamp: number;
  /** NaN (stored as NULL, ordered first) and ±Infinity included. */
  value: number;
}

/** Encodes a keyset page token (`value` as its shortest decimal text, so NaN and ±Infinity survive). */
export function encodeHistoryToken(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.step, cursor.timestamp, String(cursor.value)])).toString('base64url');
}

/** Decodes a page token of `encodeHistoryToken`; anything else is INVALID_PARAMETER_VALUE. */
export function decodeHistoryToken(token: string): HistoryCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3) {
      const [step, timestamp, value] = parsed as unknown[];
      if (Number.isSafeInteger(step) && Number.isSafeInteger(timestamp) && typeof value === 'string' && value !== '') {
        const v = Number(value);
        if (!Number.isNaN(v) || value === 'NaN')
          return { step: step as number, timestamp: timestamp as number, value: v };
      }
    }
  } catch {
    // fall through
  }
  throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid page token '${token}'.`);
}

/** The points after `cursor` in the (step, timestamp, value) order of the metrics index; NULL (NaN) sorts first. */
function afterCursor(cursor: HistoryCursor | undefined, args: (string | number)[]): string {
  if (!cursor) return '';
  args.push(cursor.step, cursor.step, cursor.timestamp, cursor.timestamp);
  let sameTime: string;
  if (Number.isNaN(cursor.value)) sameTime = 'value IS NOT NULL';
  else if (cursor.value === Infinity) sameTime = '0';
  else if (cursor.value === -Infinity) sameTime = 'value > -9e999';
  else {
    sameTime = 'value > ?';
    args.push(cursor.value);
  }
  // `step >= ?` lets SQLite seek the index; the rest skips the points of that step already sent.
  return ` AND step >= ? AND (step > ? OR timestamp > ? OR (timestamp = ? AND ${sameTime}))`;
}

/**
 * One page of a run's metric history as the JSON body of `metrics/get-history`
 * (`{"metrics":[…],"next_page_token":"…"}`), built by SQLite in one statement: no row becomes a JS
 * object. Page tokens are keysets, so every page costs the same however deep it is. Throws
 * RESOURCE_DOES_NOT_EXIST for an unknown run.
 */
export async function metricHistoryJson(
  client: Client,
  runId: string,
  key: string,
  maxResults: number,
  pageToken?: string,
): Promise<string> {
  const cursor = pageToken ? decodeHistoryToken(pageToken) : undefined;
  const keyJson = JSON.stringify(key);
  const args: (string | number)[] = [runId, key];
  const after = afterCursor(cursor, args);
  args.push(maxResults + 1, keyJson, maxResults, maxResults - 1, runId);
  const n = args.length;
  const sql =
    `WITH page AS MATERIALIZED (SELECT step, timestamp, value FROM metrics WHERE run_uuid = ? AND key = ?${after} ` +
    `ORDER BY step, timestamp, value LIMIT ?${n - 4}) ` +
    `SELECT (SELECT group_concat('{"key":' || ?${n - 3} || ',"value":' || ${VALUE_JSON} || ',"timestamp":' || timestamp || ',"step":' || step || '}', ',') ` +
    `FROM (SELECT * FROM page LIMIT ?${n - 2})) AS points, ` +
    `(SELECT count(*) FROM page) AS n, ` +
    `(SELECT step FROM page LIMIT 1 OFFSET ?${n - 1}) AS last_step, ` +
    `(SELECT timestamp FROM page LIMIT 1 OFFSET ?${n - 1}) AS last_timestamp, ` +
    `(SELECT value FROM page LIMIT 1 OFFSET ?${n - 1}) AS last_value, ` +
    `EXISTS (SELECT 1 FROM runs WHERE run_uuid = ?${n}) AS found`;
  // The anonymous `?` all come first in the text, so they are numbers 1, 2, … and the numbered ones follow.
  const { rows } = await client.execute({ sql, args });
  const row = rows[0]!;
  if (!row.found) throw runNotFound(runId);
  const points = `{"metrics":[${(row.points as string | null) ?? ''}]`;
  if (Number(row.n) <= maxResults) return `${points}}`;
  const token = encodeHistoryToken({
    step: Number(row.last_step),
    timestamp: Number(row.last_timestamp),
    value: row.last_value === null ? Number.NaN : Number(row.last_value),
  });
  return `${points},"next_page_token":"${token}"}`;
}

/** `metricHistoryJson` as an object: values "NaN"/"Infinity"/"-Infinity" become numbers again. */
export async function metricHistoryPage(
  client: Client,
  runId: string,
  key: string,
  maxResults: number,
  pageToken?: string,
): Promise<MetricHistoryPage> {
  const text = await metricHistoryJson(client, runId, key, maxResults, pageToken);
  return parseMetricJson<MetricHistoryPage>(text);
}

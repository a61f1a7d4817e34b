import * as z from 'zod';
import { int64 } from './fields.ts';

/** MLflow's ViewType: by name or by its protobuf number (1, 2, 3); ACTIVE_ONLY when absent. */
export const viewType = z
  .union([
    z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']),
    z
      .union([z.literal(1), z.literal(2), z.literal(3), z.enum(['1', '2', '3'])])
      .transform((n) => (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const)[Number(n) - 1]!),
  ])
  .default('ACTIVE_ONLY');

/** A page size between 1 and `max`, `fallback` when absent. */
export const maxResults = (fallback: number, max: number) =>
  int64.pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`)).default(fallback);

/** A list of strings that may also come as a single string (one query parameter). */
export const stringList = (maxItems: number) =>
  z
    .union([z.string().transform((s) => [s]), z.array(z.string())])
    .pipe(z.array(z.string()).max(maxItems, `at most ${maxItems} values`));

/** A protobuf bool: true/false, or "true"/"false" in a query string. */
export const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'True', 'False']).transform((s) => s.toLowerCase() === 'true'),
]);

/** The common fields of MLflow's search requests. */
export const searchFields = {
  filter: z.string().max(10_000).optional(),
  order_by: stringList(100).optional(),
  page_token: z.string().max(1000).optional(),
};

import type { Tag } from './entities.ts';

/** Tags with unique keys, the last value of a repeated key winning (for create calls). */
export function uniqueTags(tags: readonly Tag[]): Tag[] {
  return [...new Map(tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

/** Sorts tags (or params) by key as SQLite's default collation does: by UTF-8 bytes, not UTF-16 units. */
export function byKey<T extends { key: string }>(items: T[]): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(item.key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((x) => x.item);
}

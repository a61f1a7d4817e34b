import { binOf, categoryOf, type ReferenceColumn, type ReferenceProfile } from '../../../contracts/index.ts';

/** Where a column's bins sit in a rollup's flat histogram. */
export interface LayoutColumn {
  column: ReferenceColumn;
  offset: number;
  bins: number;
}

/**
 * How rollups lay out a reference profile: every input's bins, then the output's, in one flat
 * histogram; sample rows of `width` values (the prediction id's hash, the inputs, the output value).
 */
export interface ReferenceLayout {
  /** The profile's row id (what rollups record as `reference_id`). */
  id: number;
  profile: ReferenceProfile;
  /** The inputs' columns, then the output's. */
  columns: LayoutColumn[];
  inputs: number;
  bins: number;
  width: number;
}

/** The layout of a stored reference profile. */
export function layoutOf(id: number, profile: ReferenceProfile): ReferenceLayout {
  let offset = 0;
  const columns = [...profile.features, profile.output.column].map((column) => {
    const bins = column.kind === 'numeric' ? column.edges.length + 1 : column.categories.length + 1;
    const at = { column, offset, bins };
    offset += bins;
    return at;
  });
  return { id, profile, columns, inputs: profile.features.length, bins: offset, width: profile.features.length + 2 };
}

/** The bin (within its column) of a value. */
export function binIn(column: ReferenceColumn, x: number): number {
  return column.kind === 'numeric' ? binOf(column.edges, x) : categoryOf(column.categories, x);
}

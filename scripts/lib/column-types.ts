/** What a CSV column holds: numbers, or categories (any other text). */
export type ColumnKind = 'numeric' | 'categorical';

/** What a model predicts: one of two classes, one of several, or a number. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** Cells that count as missing (compared trimmed and case-insensitively): empty, NA, N/A, NaN, null, None, ?. */
export const MISSING_VALUES = ['', 'na', 'n/a', 'nan', 'null', 'none', '?'] as const;

const missing = new Set<string>(MISSING_VALUES);

/** Whether a cell is a missing value (`MISSING_VALUES`). */
export function isMissing(cell: string): boolean {
  return missing.has(cell.trim().toLowerCase());
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A cell's number: a decimal like `-1.5`, `.5`, `3.` or `2e-3` (outer spaces allowed) that is finite;
 * undefined for anything else (`0x10`, `1,5`, `Infinity`, a missing value).
 */
export function parseNumber(cell: string): number | undefined {
  const t = cell.trim();
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A column's inferred type and what it holds. */
export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  /** Missing cells. */
  missing: number;
  /** Distinct values among the cells that are not missing (trimmed). */
  distinct: number;
}

/**
 * The type of each column: numeric when every cell that is not missing is a number (and at least one
 * is), else categorical; the names in `categorical` are categorical whatever they hold.
 */
export function inferColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  categorical: readonly string[] = [],
): ColumnProfile[] {
  const forced = new Set(categorical);
  return header.map((name, c) => {
    let missingCells = 0;
    let numeric = true;
    const values = new Set<string>();
    for (const row of rows) {
      const cell = row[c]!;
      if (isMissing(cell)) {
        missingCells++;
        continue;
      }
      const t = cell.trim();
      values.add(t);
      if (numeric && parseNumber(t) === undefined) numeric = false;
    }
    const kind: ColumnKind = !forced.has(name) && numeric && values.size > 0 ? 'numeric' : 'categorical';
    return { name, kind, missing: missingCells, distinct: values.size };
  });
}

/** Label values read as the positive class of a binary task (trimmed, case-insensitive). */
export const POSITIVE_VALUES = ['1', 'true', 'yes', 'y', 't', 'positive', 'pos'] as const;

/** Most distinct whole-number labels a numeric label may have to be read as classes (multiclass). */
export const MAX_INTEGER_CLASSES = 10;

/** A label column read as a task: its classes (for a classification), in class-index order. */
export interface LabelTask {
  task: Task;
  /** Class values in index order (binary: negative, positive); none for regression. */
  classes?: string[];
}

/**
 * The task a label column's values (missing ones left out) imply, unless `task` says it: text labels
 * are classes (binary for two); numeric labels are binary for two distinct values, multiclass for
 * whole numbers with at most `MAX_INTEGER_CLASSES` distinct values, regression otherwise. Classes are
 * sorted (numerically for numbers); the positive class of a binary task is `positive` when given, else
 * one of `POSITIVE_VALUES` when the label has one, else the second class. Throws when the values do
 * not fit the task (one class, text for a regression, a `positive` that is no class).
 */
export function inferTask(values: readonly string[], options: { task?: Task; positive?: string } = {}): LabelTask {
  const distinct = [...new Set(values.map((v) => v.trim()))];
  const numbers = distinct.map(parseNumber);
  const numeric = numbers.every((n) => n !== undefined);
  const task: Task =
    options.task ??
    (distinct.length === 2
      ? 'binary'
      : !numeric
        ? 'multiclass'
        : numbers.every(Number.isInteger) && distinct.length <= MAX_INTEGER_CLASSES
          ? 'multiclass'
          : 'regression');
  if (task === 'regression') {
    if (!numeric) throw new Error(`a regression label must be numeric; it has ${describeText(distinct, numbers)}`);
    if (distinct.length < 2) throw new Error('the label has one value only: nothing to learn');
    return { task };
  }
  const classes = numeric
    ? distinct
        .map((v, i) => [v, numbers[i]!] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([v]) => v)
    : [...distinct].sort();
  if (classes.length < 2) throw new Error(`the label has one class only (${JSON.stringify(classes[0] ?? '')})`);
  if (task === 'multiclass') return { task, classes };
  if (classes.length !== 2) {
    throw new Error(`a binary label needs exactly 2 classes; it has ${classes.length} (use --task multiclass)`);
  }
  const positive =
    options.positive ?? classes.find((c) => (POSITIVE_VALUES as readonly string[]).includes(c.toLowerCase()));
  if (positive !== undefined && !classes.includes(positive)) {
    throw new Error(`--positive ${JSON.stringify(positive)} is not a class of the label (${classes.join(', ')})`);
  }
  const pos = positive ?? classes[1]!;
  return { task, classes: [classes.find((c) => c !== pos)!, pos] };
}

function describeText(distinct: string[], numbers: (number | undefined)[]): string {
  const text = distinct.filter((_, i) => numbers[i] === undefined).slice(0, 3);
  return `text values such as ${text.map((t) => JSON.stringify(t)).join(', ')}`;
}

/** The signature's `output` for a task: binary at threshold 0.5, multiclass, or regression (no labels). */
export function outputForTask(task: Task, classes: string[] | undefined) {
  if (task === 'binary') return { kind: 'binary' as const, threshold: 0.5, labels: classes };
  if (task === 'multiclass') return { kind: 'multiclass' as const, labels: classes };
  return { kind: 'regression' as const };
}

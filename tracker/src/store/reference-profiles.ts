import type { Client, Transaction } from '@libsql/client';
import {
  buildReferenceProfile,
  type ReferenceProfile as Profile,
  ReferenceProfile,
  type Signature,
} from '../../../contracts/index.ts';
import { layoutOf, type ReferenceLayout } from '../monitoring/reference-layout.ts';

type Executor = Client | Transaction;

/** How a live reference is built for a version: its inputs' names and which output value it profiles. */
export interface ReferenceSpec {
  names: string[];
  field: Profile['output']['field'];
  /** The output is a class (a multiclass model's prediction). */
  categorical_output: boolean;
}

/** What a version's reference is to be: its training profile, or one to build from its first events. */
export type NewReference = { source: 'training'; profile: Profile } | { source: 'live'; spec: ReferenceSpec };

/** A version's stored reference: `profile` is null while a live one is collected. */
export interface StoredReference {
  id: number;
  source: Profile['source'];
  profile: Profile | null;
  created_at: number;
}

/** The spec a live reference of a version with this signature is built with. */
export function referenceSpec(signature: Signature): ReferenceSpec {
  return {
    names: signature.inputs.map((i) => i.name),
    field: signature.output.kind === 'binary' ? 'probability' : 'prediction',
    categorical_output: signature.output.kind === 'multiclass',
  };
}

/** Records a version's reference (once: a version's reference never changes but from collecting to built). */
export async function saveReference(
  client: Executor,
  name: string,
  version: string,
  reference: NewReference,
  now: number,
): Promise<void> {
  await client.execute({
    sql: 'INSERT INTO reference_profiles (name, version, source, profile, spec, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    args: [
      name,
      Number(version),
      reference.source,
      reference.source === 'training' ? JSON.stringify(reference.profile) : null,
      reference.source === 'live' ? JSON.stringify(reference.spec) : null,
      now,
    ],
  });
}

/**
 * A version's reference, or null when it has none (not even one being collected). A built profile is
 * parsed once and kept in `cache` (by row id).
 */
export async function getReference(
  client: Executor,
  name: string,
  version: string,
  cache: LayoutCache,
): Promise<StoredReference | null> {
  const { rows } = await client.execute({
    sql: 'SELECT id, source, profile IS NOT NULL AS built, created_at FROM reference_profiles WHERE name = ? AND version = ?',
    args: [name, Number(version)],
  });
  const row = rows[0];
  if (!row) return null;
  const id = Number(row.id);
  const stored = { id, source: row.source as Profile['source'], created_at: Number(row.created_at) };
  if (!Number(row.built)) return { ...stored, profile: null };
  return { ...stored, profile: (await layoutById(client, id, cache)).profile };
}

async function layoutById(client: Executor, id: number, cache: LayoutCache): Promise<ReferenceLayout> {
  let layout = cache.get(id);
  if (!layout) {
    const { rows } = await client.execute({ sql: 'SELECT profile FROM reference_profiles WHERE id = ?', args: [id] });
    layout = layoutOf(id, ReferenceProfile.parse(JSON.parse(String(rows[0]!.profile))));
    cache.set(id, layout);
  }
  return layout;
}

/** Layouts of built references by row id (ids are never reused, and a built profile never changes). */
export type LayoutCache = Map<number, ReferenceLayout>;

/**
 * The reference a version's new events are binned on, inside an ingest transaction. A version with a
 * built reference gets its layout (cached by id). A registered version without one gets a live
 * reference once `needed` successful events of it are stored: built from the first `needed` (by
 * ingest order) with its spec (or, without one, inputs named `input_<i>` and the probability when
 * every event has one); `used` names those events, which are not binned. Otherwise null: the events
 * are counted but not binned.
 */
export async function ingestReference(
  tx: Transaction,
  model: string,
  version: string,
  needed: number,
  now: number,
  cache: LayoutCache,
): Promise<{ layout: ReferenceLayout | null; used: Set<string> }> {
  const none = { layout: null, used: new Set<string>() };
  const { rows } = await tx.execute({
    sql: 'SELECT id, profile IS NOT NULL AS built, spec FROM reference_profiles WHERE name = ? AND version = ?',
    args: [model, Number(version)],
  });
  const row = rows[0];
  if (row && Number(row.built)) return { layout: await layoutById(tx, Number(row.id), cache), used: new Set() };
  if (!row) {
    const registered = await tx.execute({
      sql: 'SELECT 1 FROM model_versions WHERE name = ? AND version = ?',
      args: [model, Number(version)],
    });
    if (!registered.rows.length) return none;
  }
  const first = await tx.execute({
    sql: `SELECT prediction_id, inputs, output_prediction, output_probability FROM prediction_events
          WHERE model = ? AND version = ? AND status < 400 AND output_prediction IS NOT NULL ORDER BY seq LIMIT ?`,
    args: [model, Number(version), needed],
  });
  if (first.rows.length < needed) return none;
  const spec = row?.spec ? (JSON.parse(String(row.spec)) as ReferenceSpec) : null;
  const events = first.rows.map((r) => ({
    id: String(r.prediction_id),
    inputs: JSON.parse(String(r.inputs)) as number[],
    prediction: Number(r.output_prediction),
    probability: r.output_probability === null ? null : Number(r.output_probability),
  }));
  const names = spec?.names ?? events[0]!.inputs.map((_, i) => `input_${i}`);
  const usable = events.filter((e) => e.inputs.length === names.length);
  if (!usable.length) return none;
  const field = spec?.field ?? (usable.every((e) => e.probability !== null) ? 'probability' : 'prediction');
  const values = usable.flatMap((e) => {
    const v = field === 'probability' ? e.probability : e.prediction;
    return v === null ? [] : [v];
  });
  if (!values.length) return none;
  const profile = buildReferenceProfile({
    source: 'live',
    names,
    rows: usable.map((e) => e.inputs),
    output: { field, values, categorical: spec?.categorical_output },
  });
  const saved = row
    ? await tx.execute({
        sql: 'UPDATE reference_profiles SET profile = ?, created_at = ? WHERE id = ? RETURNING id',
        args: [JSON.stringify(profile), now, Number(row.id)],
      })
    : await tx.execute({
        sql: `INSERT INTO reference_profiles (name, version, source, profile, created_at) VALUES (?, ?, 'live', ?, ?) RETURNING id`,
        args: [model, Number(version), JSON.stringify(profile), now],
      });
  const layout = layoutOf(Number(saved.rows[0]!.id), profile);
  cache.set(layout.id, layout);
  return { layout, used: new Set(events.map((e) => e.id)) };
}

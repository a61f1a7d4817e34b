import type { FeedbackRefusal, Signature, TimedLabel } from '../../../contracts/index.ts';
import { type ErrorCode, MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { resolveLabel } from './resolve-label.ts';

/** Ids named in a refusal's message (all of them are in its `prediction_ids`). */
const NAMED = 10;

/** A refusal of a feedback batch: MLflow's error with the ids of the refused labels; nothing was stored. */
export class FeedbackRefused extends MlflowError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly predictionIds: string[],
  ) {
    super(code, message);
  }

  override toJSON(): FeedbackRefusal & { error_code: ErrorCode } {
    return { ...super.toJSON(), prediction_ids: this.predictionIds };
  }
}

/** Labels joined to their predictions, as numbers to store. */
export type JoinedLabel = { prediction_id: string; label: number; time: number };

/**
 * Joins each label to its stored prediction and resolves it against the output of the version that made it
 * (`resolveLabel`). All or nothing: a label without a stored prediction — an unknown id, one whose event has not
 * arrived yet, or one made before `deleteBefore` (past the retention) — is a 404 RESOURCE_DOES_NOT_EXIST, a
 * label that does not fit its model a 400 INVALID_PARAMETER_VALUE; either names the ids (in its message and in
 * `prediction_ids`).
 */
export async function joinLabels(
  store: TrackingStore,
  signatureOf: (model: string, version: string) => Promise<Signature | undefined>,
  labels: readonly TimedLabel[],
  deleteBefore: number,
  retentionDays: number,
): Promise<JoinedLabel[]> {
  const found = await store.findPredictions(labels.map((l) => l.prediction_id));
  const unknown = new Set<string>();
  const expired = new Set<string>();
  for (const { prediction_id: id } of labels) {
    const prediction = found.get(id);
    if (!prediction) unknown.add(id);
    else if (prediction.time < deleteBefore) expired.add(id);
  }
  if (unknown.size || expired.size) {
    const parts = [
      unknown.size ? `unknown or not ingested yet: ${named([...unknown])}` : '',
      expired.size ? `older than the ${retentionDays}-day retention: ${named([...expired])}` : '',
    ].filter(Boolean);
    const count = unknown.size + expired.size;
    throw new FeedbackRefused(
      'RESOURCE_DOES_NOT_EXIST',
      `No stored prediction for ${count} label${count > 1 ? 's' : ''} (${parts.join('; ')}); nothing was stored.`,
      [...unknown, ...expired],
    );
  }
  const joined: JoinedLabel[] = [];
  const invalid: string[] = [];
  const invalidIds: string[] = [];
  for (const [i, l] of labels.entries()) {
    const prediction = found.get(l.prediction_id)!;
    const signature = await signatureOf(prediction.model, prediction.version);
    const label = resolveLabel(l.label, signature?.output);
    if (typeof label === 'number') joined.push({ prediction_id: l.prediction_id, label, time: l.time });
    else {
      invalidIds.push(l.prediction_id);
      if (invalid.length < NAMED) {
        invalid.push(
          `labels.${i} (${l.prediction_id}, ${prediction.model} version ${prediction.version}): ${label.invalid}`,
        );
      }
    }
  }
  if (invalidIds.length) {
    const more = invalidIds.length > invalid.length ? `; and ${invalidIds.length - invalid.length} more` : '';
    throw new FeedbackRefused(
      'INVALID_PARAMETER_VALUE',
      `Labels that do not fit their model: ${invalid.join('; ')}${more}; nothing was stored.`,
      invalidIds,
    );
  }
  return joined;
}

function named(ids: string[]): string {
  const shown = ids.slice(0, NAMED).join(', ');
  return ids.length > NAMED ? `${shown} and ${ids.length - NAMED} more` : shown;
}

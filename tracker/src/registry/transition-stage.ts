import { promote, withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import type { ModelVersion, Stage } from '../store/entities.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { isEdgeModel, liveVersion, servedError } from './served-version.ts';

/** What to transition. */
export interface TransitionInput {
  name: string;
  version: string;
  stage: Stage;
  archiveExisting: boolean;
  actor: string;
}

/**
 * model-versions/transition-stage: MLflow's for every model not opted in to the edge. For a model
 * opted in: to Production, the version is promoted (files checked, pointer flipped, `production` alias
 * moved) before its stage changes, so a version that cannot serve never shows as Production;
 * `archive_existing_versions` then archives the old Production versions, the previously served one
 * included — the new one has taken its place. To any other stage: refused (INVALID_STATE) for the
 * served version, and when archiving the stage's other versions would archive the served one.
 */
export async function transitionStage(store: TrackingStore, edge: Edge, input: TransitionInput): Promise<ModelVersion> {
  const { name, version, stage, archiveExisting } = input;
  if (!(await isEdgeModel(store, name))) {
    return store.transitionModelVersionStage(name, version, stage, archiveExisting);
  }
  await store.getModelVersion(name, version);
  if (stage === 'Production') {
    await promote(edge, store, { name, version, actor: input.actor, kind: 'promote' });
    return store.transitionModelVersionStage(name, version, stage, archiveExisting);
  }
  return withPointerLock(async () => {
    const live = await liveVersion(edge, name);
    if (live === version) throw servedError(name, version, `move version ${version} of ${name} to ${stage}`);
    return store.transitionModelVersionStage(name, version, stage, archiveExisting, live ?? undefined);
  });
}

import type { Context } from 'hono';
import * as z from 'zod';
import { safeArtifactPath } from '../artifacts/artifact-path.ts';
import { readInput } from '../http/input.ts';
import { pathFromUrl } from '../routes/artifacts.ts';
import { idString, requireRunId, runIdFields, runIdOf } from '../routes/fields.ts';
import { stringList } from '../routes/search-params.ts';
import type { AuthStore, ResourceKind } from '../store/auth-store.ts';
import type { Ability } from './permission.ts';

/**
 * What a request needs: `ability` on each of `keys` (experiment ids or model names). An undefined key
 * is a resource outside any experiment (an artifact path not under one): the default permission decides.
 */
export interface Need {
  kind: ResourceKind;
  ability: Ability;
  keys: (string | undefined)[];
}

/** Finds what a request needs, reading its parameters as its handler does (`readInput`, the same field schemas). */
export type NeedOf = (c: Context, store: AuthStore) => Promise<Need>;

const ExperimentId = z.object({ experiment_id: idString });
const ExperimentIdOrDefault = z.object({ experiment_id: idString.default('0') });
const ExperimentIds = z.object({ experiment_ids: stringList(1000).default([]) });
const ExperimentName = z.object({ experiment_name: z.string().min(1) });
const RunId = z.object(runIdFields).refine(...requireRunId);
const RunIds = z.object({ run_ids: stringList(100) });
const ModelName = z.object({ name: z.string().min(1) });
const ListPath = z.object({ path: z.string().optional() });

/** `ability` on the experiment `experiment_id` (default "0" with `orDefault`, as runs/create has it). */
export const onExperiment =
  (ability: Ability, orDefault = false): NeedOf =>
  async (c) => {
    const { experiment_id } = await readInput(c, orDefault ? ExperimentIdOrDefault : ExperimentId);
    return { kind: 'experiment', ability, keys: [experiment_id] };
  };

/** `ability` on every experiment of `experiment_ids`. */
export const onExperiments =
  (ability: Ability): NeedOf =>
  async (c) => ({ kind: 'experiment', ability, keys: (await readInput(c, ExperimentIds)).experiment_ids });

/** `ability` on the experiment named `experiment_name` (none when there is no such experiment: its handler says so). */
export const onExperimentName =
  (ability: Ability): NeedOf =>
  async (c, store) => {
    const id = await store.experimentIdByName((await readInput(c, ExperimentName)).experiment_name);
    return { kind: 'experiment', ability, keys: id === undefined ? [] : [id] };
  };

/** `ability` on the experiment of the run `run_id` (or `run_uuid`): runs inherit their experiment's permissions. */
export const onRun =
  (ability: Ability): NeedOf =>
  async (c, store) => {
    const id = await store.experimentOfRun(runIdOf(await readInput(c, RunId)));
    return { kind: 'experiment', ability, keys: id === undefined ? [] : [id] };
  };

/** `ability` on the experiments of every run of `run_ids`. */
export const onRuns =
  (ability: Ability): NeedOf =>
  async (c, store) => {
    const { run_ids } = await readInput(c, RunIds);
    const ids = await Promise.all(run_ids.map((id) => store.experimentOfRun(id)));
    return { kind: 'experiment', ability, keys: ids.filter((id) => id !== undefined) };
  };

/**
 * `ability` on the experiment whose folder an artifact path is in (`<experiment id>/…`, as MLflow's
 * basic-auth app reads it): the URL's path, or the `path` parameter of a listing.
 */
export const onArtifactPath =
  (ability: Ability, from: 'url' | 'query'): NeedOf =>
  async (c) => {
    const path =
      from === 'url'
        ? pathFromUrl(c)
        : safeArtifactPath((await readInput(c, ListPath)).path ?? '', { allowRoot: true });
    const experiment = /^(\d+)\//.exec(`${path}/`)?.[1];
    return { kind: 'experiment', ability, keys: [experiment] };
  };

/** `ability` (or the one `abilityOf` picks from the validated parameters) on the registered model `name`. */
export function onModel<T extends z.ZodObject>(ability: Ability): NeedOf;
export function onModel<T extends z.ZodObject>(schema: T, abilityOf: (input: z.output<T>) => Ability): NeedOf;
export function onModel<T extends z.ZodObject>(
  first: Ability | T,
  abilityOf?: (input: z.output<T>) => Ability,
): NeedOf {
  return async (c) => {
    const { name } = await readInput(c, ModelName);
    const ability = typeof first === 'string' ? first : abilityOf!(await readInput(c, first));
    return { kind: 'model', ability, keys: [name] };
  };
}

/*
 * The checks every store module makes before it reads or writes an entity, each written once: ids and
 * version numbers parsed, entities looked up, and the MLflow errors saying one is missing or not active.
 */
import type { Client } from '@libsql/client';
import { invalid, notFound } from '../errors.ts';
import { STAGES, type Stage } from './entities.ts';

const EXPERIMENT_ID = /^\d{1,15}$/;
const VERSION = /^[1-9]\d{0,14}$/;

/** RESOURCE_DOES_NOT_EXIST for an experiment. */
export const experimentNotFound = (id: string | number) => notFound(`No Experiment with id=${id} exists`);

/** RESOURCE_DOES_NOT_EXIST for a run. */
export const runNotFound = (runId: string) => notFound(`Run with id=${runId} not found`);

/** RESOURCE_DOES_NOT_EXIST for a registered model. */
export const modelNotFound = (name: string) => notFound(`Registered Model with name=${name} not found`);

/** RESOURCE_DOES_NOT_EXIST for a model version. */
export const versionNotFound = (name: string, version: string | number) =>
  notFound(`Model Version (name=${name}, version=${version}) not found`);

/** INVALID_PARAMETER_VALUE for a change to a run or experiment that is not active (MLflow's words). */
export const notActive = (what: 'run' | 'experiment', id: string | number, stage: string) =>
  invalid(`The ${what} ${id} must be in the 'active' state. Current state is ${stage}.`);

/** An experiment id as stored, or undefined for text no experiment can have as its id. */
export function experimentIdNumber(id: string): number | undefined {
  return EXPERIMENT_ID.test(id) ? Number(id) : undefined;
}

/** An experiment id as stored; RESOURCE_DOES_NOT_EXIST for text no experiment can have as its id. */
export function parseExperimentId(id: string): number {
  const n = experimentIdNumber(id);
  if (n === undefined) throw experimentNotFound(id);
  return n;
}

/** A model version number as stored; INVALID_PARAMETER_VALUE unless a positive integer. */
export function parseVersion(version: string): number {
  if (!VERSION.test(version)) throw invalid(`Parameter 'version' must be a positive integer, got '${version}'.`);
  return Number(version);
}

/** Every stage name MLflow accepts, case-insensitively, → its canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return found;
}

/** An experiment's stored id, lifecycle stage and name; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function experimentStage(
  client: Client,
  experimentId: string,
): Promise<{ id: number; stage: string; name: string }> {
  const id = parseExperimentId(experimentId);
  const { rows } = await client.execute({
    sql: 'SELECT lifecycle_stage, name FROM experiments WHERE experiment_id = ?',
    args: [id],
  });
  if (!rows[0]) throw experimentNotFound(experimentId);
  return { id, stage: String(rows[0].lifecycle_stage), name: String(rows[0].name) };
}

/** A run's lifecycle stage and experiment; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function runStage(client: Client, runId: string): Promise<{ stage: string; experimentId: number }> {
  const { rows } = await client.execute({
    sql: 'SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?',
    args: [runId],
  });
  if (!rows[0]) throw runNotFound(runId);
  return { stage: String(rows[0].lifecycle_stage), experimentId: Number(rows[0].experiment_id) };
}

/** `runStage` of a run that must be active (INVALID_PARAMETER_VALUE otherwise). */
export async function requireActiveRun(client: Client, runId: string): Promise<{ experimentId: number }> {
  const run = await runStage(client, runId);
  if (run.stage !== 'active') throw notActive('run', runId, run.stage);
  return run;
}

/** RESOURCE_DOES_NOT_EXIST unless the registered model exists. */
export async function requireModel(client: Client, name: string): Promise<void> {
  const { rows } = await client.execute({ sql: 'SELECT 1 FROM registered_models WHERE name = ?', args: [name] });
  if (!rows.length) throw modelNotFound(name);
}

/** RESOURCE_DOES_NOT_EXIST unless the registered model and its version exist. */
export async function requireVersion(client: Client, name: string, version: number): Promise<void> {
  const { rows } = await client.execute({
    sql:
      'SELECT EXISTS (SELECT 1 FROM registered_models WHERE name = ?1) AS model, ' +
      'EXISTS (SELECT 1 FROM model_versions WHERE name = ?1 AND version = ?2) AS version',
    args: [name, version],
  });
  if (!rows[0]!.model) throw modelNotFound(name);
  if (!rows[0]!.version) throw versionNotFound(name, version);
}

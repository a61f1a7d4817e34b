/** KV key under which the pointer of a registered model lives. */
export function pointerKey(model: string): string {
  return `pointer/${model}`;
}

/** R2 prefix (with trailing slash) that holds every version of a model: `models/<model>/`. */
export function modelPrefix(model: string): string {
  return `models/${model}/`;
}

/** R2 prefix (with trailing slash) that holds a model version's files: `models/<model>/<version>/`. */
export function versionPrefix(model: string, version: string): string {
  return `${modelPrefix(model)}${version}/`;
}

/** Name of the signature file stored beside a version's model files. */
export const SIGNATURE_FILE = 'signature.json';

/** Name of the reference profile (the training data's distributions) stored beside a version's files. */
export const REFERENCE_FILE = 'reference.json';

/** Name of the TFJS model topology/manifest file. */
export const MODEL_JSON_FILE = 'model.json';

/** The alias that puts a version live at the edge, for a model opted in with `EDGE_TAG`. */
export const PRODUCTION_ALIAS = 'production';

/**
 * The registered-model tag that opts a model in to the edge: with the value `EDGE_TAG_ON`, alias
 * `production` and stage Production deploy its versions; without it the registry is MLflow's alone.
 */
export const EDGE_TAG = 'edgeflow.edge';

/** The value of `EDGE_TAG` that opts a model in (any other value opts it out). */
export const EDGE_TAG_ON = 'true';

/** True when a registered model's tags opt it in to the edge (`EDGE_TAG` = `EDGE_TAG_ON`). */
export function edgeOptedIn(tags: readonly { key: string; value?: string }[] | undefined): boolean {
  return tags?.some((t) => t.key === EDGE_TAG && t.value === EDGE_TAG_ON) ?? false;
}

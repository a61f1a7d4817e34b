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

/** The alias that puts a version live at the edge. */
export const PRODUCTION_ALIAS = 'production';

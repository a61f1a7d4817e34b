import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_JSON_FILE, SIGNATURE_FILE } from '../../contracts/index.ts';
import type { ModelFiles } from './model-files.ts';

/** A TFJS model folder read from disk: its format, files, and what model.json says about its shapes. */
export interface ModelFolder {
  format: 'tfjs-layers' | 'tfjs-graph';
  /** model.json, the weight shards it names, and signature.json when the folder has one. */
  files: ModelFiles;
  /** Columns the model takes, when model.json says. */
  inputWidth?: number;
  /** Output units, when model.json says. */
  outputUnits?: number;
  /** The last layer's activation (layers) or op (graph), lower-cased: `sigmoid`, `softmax`, `linear`… */
  outputActivation?: string;
}

/** Files that mark a model in a format edgeflow does not serve, and what to do about each. */
const OTHER_FORMATS: [RegExp, string][] = [
  [
    /^saved_model\.pbt?$/,
    'a TensorFlow SavedModel: convert it with tensorflowjs_converter --input_format=tf_saved_model',
  ],
  [/\.(h5|keras)$/, 'a Keras model: convert it with tensorflowjs_converter --input_format=keras'],
  [/\.onnx$/, 'an ONNX model: edgeflow serves TFJS models only (convert to TensorFlow, then tensorflowjs_converter)'],
  [/\.(pkl|pickle|joblib)$/, 'a pickled (scikit-learn?) model: edgeflow serves TFJS models only'],
  [/\.(pt|pth)$/, 'a PyTorch model: edgeflow serves TFJS models only'],
  [/\.tflite$/, 'a TensorFlow Lite model: edgeflow serves TFJS models only'],
];

/**
 * Reads a TFJS layers or graph model folder (what `model.save('file://…')` or `tensorflowjs_converter`
 * writes): model.json with `format` `layers-model` or `graph-model` and a `weightsManifest` whose shards
 * are all in the folder. Throws with what is wrong, naming the format when the folder holds another
 * kind of model.
 */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new Error(`${dir} is not a folder (register takes the folder of a TFJS model: model.json and its shards)`);
  }
  if (!names.includes(MODEL_JSON_FILE)) {
    const other = names.flatMap((n) => OTHER_FORMATS.filter(([re]) => re.test(n)).map(([, what]) => `${n} is ${what}`));
    throw new Error(
      `${dir} has no ${MODEL_JSON_FILE}${other.length ? `; ${other[0]}` : ''} (register takes a TFJS layers or graph model folder, as tensorflowjs_converter writes it)`,
    );
  }
  const bytes = new Uint8Array(await readFile(join(dir, MODEL_JSON_FILE)));
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`${MODEL_JSON_FILE} is not valid JSON`);
  }
  const format =
    json.format === 'layers-model' ? 'tfjs-layers' : json.format === 'graph-model' ? 'tfjs-graph' : undefined;
  if (!format || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new Error(
      `${MODEL_JSON_FILE} is not a TFJS model (format ${JSON.stringify(json.format ?? null)}, want "layers-model" or "graph-model" with a modelTopology)`,
    );
  }
  const manifest = json.weightsManifest as { paths?: unknown }[] | undefined;
  if (!Array.isArray(manifest)) throw new Error(`${MODEL_JSON_FILE} has no weightsManifest`);
  const files: ModelFiles = { [MODEL_JSON_FILE]: bytes };
  const missing: string[] = [];
  for (const group of manifest) {
    for (const path of Array.isArray(group.paths) ? group.paths : []) {
      const name = String(path).replace(/^\.\//, '');
      if (/[\\/]/.test(name) || name === '..') throw new Error(`refusing weight path outside ${dir}: ${name}`);
      if (!names.includes(name)) missing.push(name);
      else files[name] = new Uint8Array(await readFile(join(dir, name)));
    }
  }
  if (missing.length)
    throw new Error(
      `${dir} lacks the weight shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${MODEL_JSON_FILE} names`,
    );
  if (names.includes(SIGNATURE_FILE)) files[SIGNATURE_FILE] = new Uint8Array(await readFile(join(dir, SIGNATURE_FILE)));
  return { format, files, ...(format === 'tfjs-layers' ? layersShapes(json.modelTopology) : graphShapes(json)) };
}

type Shapes = Pick<ModelFolder, 'inputWidth' | 'outputUnits' | 'outputActivation'>;

function layersShapes(topology: unknown): Shapes {
  const t = topology as { model_config?: unknown; config?: unknown };
  const model = (t.model_config ?? t) as {
    config?: { layers?: { class_name?: string; config?: Record<string, unknown> }[] };
  };
  const layers = model.config?.layers ?? [];
  const shape = layers.map((l) => l.config?.batch_input_shape ?? l.config?.batch_shape).find(Array.isArray) as
    | unknown[]
    | undefined;
  const last = [...layers].reverse().find((l) => l.class_name !== 'Activation' || l.config?.activation);
  const units = layers.findLast((l) => typeof l.config?.units === 'number')?.config?.units as number | undefined;
  const activation = last?.config?.activation;
  return {
    inputWidth: shape?.length === 2 && typeof shape[1] === 'number' ? shape[1] : undefined,
    outputUnits: units,
    outputActivation: typeof activation === 'string' ? activation.toLowerCase() : undefined,
  };
}

type TensorInfo = { tensorShape?: { dim?: { size?: string | number }[] } };

function graphShapes(json: Record<string, unknown>): Shapes {
  const signature = json.signature as
    | { inputs?: Record<string, TensorInfo>; outputs?: Record<string, TensorInfo> }
    | undefined;
  const second = (info: TensorInfo | undefined) => {
    const dims = info?.tensorShape?.dim;
    const size = dims?.length === 2 ? Number(dims[1]!.size) : NaN;
    return size > 0 ? size : undefined;
  };
  const nodes = (
    (json.modelTopology as { node?: { op?: string; attr?: Record<string, unknown> }[] }).node ?? []
  ).filter((n) => typeof n.op === 'string');
  const placeholder = nodes.find((n) => n.op === 'Placeholder')?.attr?.shape as
    | { shape?: TensorInfo['tensorShape'] }
    | undefined;
  const activation = nodes.findLast((n) =>
    ['Sigmoid', 'Softmax', 'Relu', 'Tanh', 'BiasAdd', 'MatMul', '_FusedMatMul'].includes(n.op!),
  )?.op;
  return {
    inputWidth: second(Object.values(signature?.inputs ?? {})[0]) ?? second({ tensorShape: placeholder?.shape }),
    outputUnits: second(Object.values(signature?.outputs ?? {})[0]),
    outputActivation:
      activation === undefined
        ? undefined
        : /^(Sigmoid|Softmax|Relu|Tanh)$/.test(activation)
          ? activation.toLowerCase()
          : 'linear',
  };
}

/**
 * `npm run register -- ./model-dir --name NAME [--signature sig.json | --infer-from data.csv [--label COL]
 * [--id COL] [--drop A,B] [--task T]] [--experiment NAME] [--promote]`: registers a TFJS model trained
 * elsewhere (a layers or graph folder, as `tensorflowjs_converter` writes it) at the tracker, opted in to
 * the edge, optionally promoting it. See `registerFolder`.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PRODUCTION_ALIAS, SIGNATURE_FILE, Signature, signatureWidth } from '../contracts/index.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import { inferColumns, inferTask, isMissing, outputForTask, parseNumber, type Task } from './lib/column-types.ts';
import { parseCsv } from './lib/csv.ts';
import { errorLine } from './lib/error-line.ts';
import { contentTypeOf } from './lib/model-files.ts';
import { type ModelFolder, readModelFolder } from './lib/model-folder.ts';
import { MODEL_ARTIFACT_DIR } from './train.ts';

/** Where `registerFolder` takes the signature from when the folder has no `signature.json`. */
export interface InferFrom {
  /** A CSV file whose columns (but the label, id and dropped ones) are the model's numeric inputs, in order. */
  path: string;
  label?: string;
  id?: string;
  drop?: string[];
  task?: Task;
}

/** Options of `registerFolder`. */
export interface RegisterOptions {
  name: string;
  /** A signature.json file (else the folder's own, else `inferFrom`). */
  signaturePath?: string;
  inferFrom?: InferFrom;
  /** Default: the model's name. */
  experiment?: string;
  promote?: boolean;
}

/**
 * Registers a model folder: reads it (`readModelFolder`), takes its signature from `signaturePath`, the
 * folder's `signature.json` or a CSV (`inferSignature`), checks it against the model (format, input
 * width), logs the files as a run's `model/` artifacts, registers a version of `name` tagged
 * `edgeflow.edge=true` and, with `promote`, sets alias `production`. Throws with what is wrong.
 */
export async function registerFolder(
  client: TrackerClient,
  dir: string,
  opts: RegisterOptions,
): Promise<{ runId: string; version: string; signature: Signature }> {
  const folder = await readModelFolder(dir);
  const given = [opts.signaturePath, opts.inferFrom].filter(Boolean).length;
  if (given > 1) throw new Error('give --signature or --infer-from, not both');
  let json: unknown;
  if (opts.signaturePath) json = parseJson(await readFile(opts.signaturePath, 'utf8'), opts.signaturePath);
  else if (opts.inferFrom) json = await inferSignature(folder, opts.inferFrom);
  else if (folder.files[SIGNATURE_FILE])
    json = parseJson(new TextDecoder().decode(folder.files[SIGNATURE_FILE]), SIGNATURE_FILE);
  else {
    throw new Error(
      `${dir} has no ${SIGNATURE_FILE}: give --signature sig.json, or --infer-from data.csv to read the inputs from a CSV's columns`,
    );
  }
  const parsed = Signature.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`the signature is invalid: ${issue.path.join('.') || 'signature'}: ${issue.message}`);
  }
  const signature = parsed.data;
  if (signature.format !== folder.format) {
    throw new Error(`the signature says ${signature.format} but the folder holds a ${folder.format} model`);
  }
  const width = signatureWidth(signature);
  if (folder.inputWidth !== undefined && folder.inputWidth !== width) {
    throw new Error(`the model takes ${folder.inputWidth} input columns but the signature has ${width}`);
  }
  const files = { ...folder.files, [SIGNATURE_FILE]: new TextEncoder().encode(JSON.stringify(signature, null, 2)) };

  const experimentId = await client.getOrCreateExperiment(opts.experiment ?? opts.name);
  const run = await client.createRun({
    experimentId,
    runName: `register-${opts.name}`,
    tags: { 'mlflow.source.name': 'scripts/register.ts', 'mlflow.source.type': 'LOCAL', 'edgeflow.model': opts.name },
  });
  try {
    for (const [file, bytes] of Object.entries(files)) {
      await client.logArtifact(run.run_id, `${MODEL_ARTIFACT_DIR}/${file}`, bytes, contentTypeOf(file));
    }
    await client.endRun(run.run_id, 'FINISHED');
  } catch (err) {
    await client.endRun(run.run_id, 'FAILED').catch(() => {});
    throw err;
  }
  await client.ensureRegisteredModel(opts.name, { edge: true });
  const created = await client.createModelVersion({
    name: opts.name,
    source: `runs:/${run.run_id}/${MODEL_ARTIFACT_DIR}`,
    runId: run.run_id,
  });
  const version = String(created.version);
  if (opts.promote) await client.setAlias(opts.name, PRODUCTION_ALIAS, version);
  return { runId: run.run_id, version, signature };
}

/**
 * A signature from a CSV's columns: every column but the label, id and dropped ones is a numeric input
 * (in file order; no standardization: the model brings its own); the output kind is `task`, else the
 * label's (`inferTask`), else the model's last activation (sigmoid: binary, softmax: multiclass,
 * linear: regression); class labels come from the label's values. The sample is the first row with
 * every input present.
 */
export async function inferSignature(folder: ModelFolder, from: InferFrom): Promise<Signature> {
  const table = parseCsv(await readFile(from.path, 'utf8'));
  const skip = new Set([from.label, from.id, ...(from.drop ?? [])].filter((n): n is string => n !== undefined));
  for (const name of skip) {
    if (!table.header.includes(name))
      throw new Error(`${from.path} has no column ${name}; it has ${table.header.join(', ')}`);
  }
  const inputs = inferColumns(table.header, table.rows).filter((c) => !skip.has(c.name));
  const text = inputs.filter((c) => c.kind !== 'numeric').map((c) => c.name);
  if (text.length) {
    throw new Error(
      `--infer-from makes numeric inputs only, and ${text.join(', ')} ${text.length > 1 ? 'are' : 'is'} not numeric: --drop ${text.length > 1 ? 'them' : 'it'}, or write the signature (categorical inputs list their categories) and pass --signature`,
    );
  }
  const at = inputs.map((c) => table.header.indexOf(c.name));
  const labelAt = from.label === undefined ? -1 : table.header.indexOf(from.label);
  const labelled =
    labelAt === -1
      ? undefined
      : inferTask(
          table.rows.map((r) => r[labelAt]!).filter((v) => !isMissing(v)),
          { task: from.task },
        );
  const task: Task | undefined =
    from.task ??
    labelled?.task ??
    ({ sigmoid: 'binary', softmax: 'multiclass', linear: 'regression' } as const)[folder.outputActivation ?? ''];
  if (!task)
    throw new Error('cannot tell the output kind from the model: give --task binary|multiclass|regression or --label');
  const units = folder.outputUnits ?? 1;
  const classes = labelled?.classes ?? Array.from({ length: task === 'binary' ? 2 : units }, (_, i) => String(i));
  const row = table.rows.find((r) => at.every((c) => !isMissing(r[c]!)));
  if (!row) throw new Error(`${from.path} has no row with every input present, for the signature's sample`);
  return Signature.parse({
    inputs: inputs.map((c) => ({ name: c.name, dtype: 'float32' })),
    output: outputForTask(task, classes),
    format: folder.format,
    sample: at.map((c) => parseNumber(row[c]!)!),
  });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** `npm run register -- --help`. */
export const REGISTER_USAGE = `usage: npm run register -- MODEL_DIR --name NAME [options]

Registers a TFJS model trained elsewhere (a layers or graph folder: model.json and its weight shards, as
tensorflowjs_converter writes them) at the tracker, opted in to the edge (edgeflow.edge=true).

  --name NAME             registered model name (required)
  --signature FILE        the signature.json to serve it with (default: the folder's own)
  --infer-from CSV        make the signature from a CSV's columns (numeric inputs, in file order)
    --label COLUMN        the CSV's label column (not an input; its values name the classes)
    --id COLUMN           a column that is not an input
    --drop A,B            columns that are not inputs
    --task TASK           binary | multiclass | regression (default: from the label, else the model's last activation)
  --experiment NAME       experiment of the run that holds the files (default: the model's name)
  --promote               set alias production: the edge serves it
  -h, --help              this text`;

/** A command line of `npm run register`. Throws on bad arguments. */
export function parseRegisterArgs(argv: string[]): { dir: string; opts: RegisterOptions } | 'help' {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        name: { type: 'string' },
        signature: { type: 'string' },
        'infer-from': { type: 'string' },
        label: { type: 'string' },
        id: { type: 'string' },
        drop: { type: 'string' },
        task: { type: 'string' },
        experiment: { type: 'string' },
        promote: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  try {
    parsed = parse();
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new Error(`unknown option ${/'([^']+)'/.exec(e.message)?.[1]}`);
    throw new Error(e.message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new Error('give one model folder');
  if (!values.name) throw new Error('--name NAME is required');
  const inferOnly = (['label', 'id', 'drop', 'task'] as const).find((k) => values[k] !== undefined);
  if (inferOnly && !values['infer-from']) throw new Error(`--${inferOnly} needs --infer-from CSV`);
  const task = values.task;
  if (task !== undefined && !['binary', 'multiclass', 'regression'].includes(task)) {
    throw new Error(`--task must be binary or multiclass or regression, got ${task}`);
  }
  return {
    dir: positionals[0]!,
    opts: {
      name: values.name,
      signaturePath: values.signature,
      inferFrom: values['infer-from']
        ? {
            path: values['infer-from'],
            label: values.label,
            id: values.id,
            drop: values.drop?.split(',').map((s) => s.trim()),
            task: task as Task | undefined,
          }
        : undefined,
      experiment: values.experiment,
      promote: values.promote,
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let args: ReturnType<typeof parseRegisterArgs>;
  try {
    args = parseRegisterArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\nnpm run register -- --help lists the options`);
    process.exit(2);
  }
  if (args === 'help') console.log(REGISTER_USAGE);
  else {
    const client = new TrackerClient();
    try {
      const { version, runId } = await registerFolder(client, args.dir, args.opts);
      console.log(
        `registered ${args.opts.name} version ${version} from run ${runId}${args.opts.promote ? `, promoted (alias ${PRODUCTION_ALIAS})` : ''} (${client.baseUrl})`,
      );
    } catch (err) {
      console.error(`error: ${errorLine(err)}`);
      process.exitCode = 1;
    }
  }
}

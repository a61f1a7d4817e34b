import * as z from 'zod';
import { modelNameProblem, VERSION_PATTERN, VERSION_RULE } from '../../../contracts/index.ts';

/** MLflow's limits (mlflow/utils/validation.py), enforced before anything is written. */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  historyPage: 25_000,
} as const;

const KEY_CHARS = /^[\p{L}\p{N}_.\- /:]+$/u;

/**
 * A metric, param or tag key as MLflow accepts it: alphanumerics, underscores, dashes, periods,
 * spaces, colons and slashes, at most 250 characters, and a normalized relative path (no empty,
 * `.` or `..` segment, no leading or trailing slash).
 */
export const entityKey = z
  .string()
  .min(1)
  .max(LIMITS.keyLength)
  .refine((k) => KEY_CHARS.test(k), {
    message:
      'names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)',
  })
  .refine((k) => k.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'), {
    message: 'names must be normalized relative paths (no empty, "." or ".." segment)',
  });

/**
 * A name or key as the tracker stores it (experiment and run names, loose tag keys, dataset names):
 * `min` to `max` characters, none a control character — a NUL or a newline would let two names look
 * alike, or one pass for another.
 */
export const nameText = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^\P{Cc}*$/u, 'control characters are not allowed');

/** The key of an experiment, registered-model or model-version tag (looser than run keys, as MLflow has). */
export const looseKey = nameText(LIMITS.keyLength);

/** An int64 as MLflow clients send it: a JSON number or a decimal string. */
export const int64 = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d{1,16}$/, 'expected an integer')
      .transform(Number),
  ])
  .pipe(z.number().int());

/** An id MLflow types as a string, sometimes sent as a number. */
export const idString = z.union([z.string().min(1), z.number().int().transform(String)]);

/** A double as protobuf's JSON mapping allows: a number, or "NaN", "Infinity", "-Infinity", a numeric string. */
export const double = z.union([
  z.number(),
  z
    .string()
    .regex(/^(NaN|-?Infinity|-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$/, 'expected a number')
    .transform(Number),
]);

/** A run tag. */
export const TagInput = z.object({ key: entityKey, value: z.string().max(LIMITS.tagValueLength).default('') });

/** A run param. */
export const ParamInput = z.object({ key: entityKey, value: z.string().max(LIMITS.paramValueLength) });

/** A metric point. */
export const MetricInput = z.object({
  key: entityKey,
  value: double,
  timestamp: int64,
  step: int64.default(0),
});

/** A tag of an experiment, registered model or model version (looser keys, as MLflow has). */
export const LooseTagInput = z.object({
  key: looseKey,
  value: z.string().max(LIMITS.tagValueLength).default(''),
});

/** A registered model name: exactly the names the edge serves (`modelNameProblem`). */
export const modelName = z.string().superRefine((name, ctx) => {
  const problem = modelNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A model version number as a string ("1", "2", …; `VERSION_PATTERN`). */
export const versionString = idString.pipe(z.string().regex(VERSION_PATTERN, VERSION_RULE));

/** An alias name: MLflow's rules (word characters and dashes; not "latest", not v<digits>). */
export const aliasName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\w-]+$/, 'aliases may only contain alphanumerics, underscores and dashes')
  .refine((a) => a.toLowerCase() !== 'latest' && !/^v\d+$/i.test(a) && !/^version\d+$/i.test(a), {
    message: 'aliases "latest", "v<number>" and "version<number>" are reserved',
  });

/** The run id of a request: `run_id`, or the deprecated `run_uuid`. */
export function runIdOf(input: { run_id?: string; run_uuid?: string }): string {
  return input.run_id || input.run_uuid || '';
}

/** The optional run_id / run_uuid fields of a request (one of them required, checked by `requireRunId`). */
export const runIdFields = { run_id: z.string().optional(), run_uuid: z.string().optional() };

/** Refinement: a request must name a run. */
export const requireRunId: [
  (v: { run_id?: string; run_uuid?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (v) => Boolean(v.run_id || v.run_uuid),
  { message: "Missing value for required parameter 'run_id'", path: ['run_id'] },
];

import * as z from 'zod/mini';
import { EdgeError, FeedbackRequest, MAX_MODEL_NAME_LENGTH, VERSION_PATTERN } from '../../contracts/index.ts';
import {
  BatchPredictionSchema,
  FeedbackAcceptedSchema,
  HealthSchema,
  ModelInfoSchema,
  Prediction,
  PredictRequest,
  PublicHealthSchema,
} from './openapi-schemas.ts';
import { CLIENT_KEY_HEADER } from './pick-canary.ts';

type Json = Record<string, unknown>;

let cached: Json | undefined;

const schema = (s: z.core.$ZodType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as Json;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
/** The API key a keyed route takes (needed only when REQUIRE_API_KEY is on). */
const keyed = { security: [{}, { bearer: [] }, { apiKey: [] }] };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), jsonBody('EdgeError', ERROR_TEXT[s] ?? 'error')]));

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid JSON or a body that does not fit the signature',
  401: 'API key missing or invalid (when REQUIRE_API_KEY is on)',
  404: 'unknown model or version',
  413: 'body over 1 MiB',
  429: 'too_many_attempts: too many wrong API keys from this address (header retry-after: seconds to wait)',
  500: 'invalid_output: the model gave a non-finite number, so no answer is given (or an internal error)',
  503: 'nothing promoted or nothing loadable',
};

/**
 * The worker's OpenAPI 3.1 document; the JSON Schemas come from the zod schemas (`contracts/` and
 * `openapi-schemas.ts`) through `z.toJSONSchema`. Built once per isolate.
 */
export function openApiDocument(): Json {
  if (cached) return cached;
  const name = {
    name: 'name',
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: MAX_MODEL_NAME_LENGTH },
    description:
      'registered model name, percent-encoded (any characters but slashes, backslashes and control characters)',
  };
  const version = {
    name: 'version',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: VERSION_PATTERN.source },
  };
  const clientKey = {
    name: CLIENT_KEY_HEADER,
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: 'any stable client id; keeps the client on one side of a canary split',
  };
  const predict = (summary: string, parameters: Json[]) => ({
    post: {
      summary,
      parameters,
      ...keyed,
      requestBody: { required: true, content: { 'application/json': { schema: ref('PredictRequest') } } },
      responses: {
        200: {
          description:
            'one answer (features/inputs) or a list (instances); header x-model-version names the version, x-prediction-id the prediction_id of each answer (a list: comma-separated, in order)',
          headers: {
            'x-model-version': { schema: { type: 'string' } },
            'x-prediction-id': { schema: { type: 'string' } },
          },
          content: { 'application/json': { schema: { oneOf: [ref('Prediction'), ref('BatchPrediction')] } } },
        },
        ...errors(400, 401, 404, 413, 429, 500, 503),
      },
    },
  });
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'edgeflow edge API',
      version: '1',
      description:
        'Predictions from TFJS models served on Cloudflare Workers; the KV pointer of a model says which version is live.',
    },
    paths: {
      '/predict': predict('Predict with the default model (DEFAULT_MODEL)', [clientKey]),
      '/v1/models/{name}/predict': predict('Predict with the live version of a model (or its canary)', [
        name,
        clientKey,
      ]),
      '/v1/models/{name}/versions/{version}/predict': predict('Predict with a pinned version', [name, version]),
      '/feedback': {
        post: {
          summary: 'Labels (ground truth) of earlier predictions, by prediction_id, queued for the tracker',
          ...keyed,
          requestBody: { required: true, content: { 'application/json': { schema: ref('FeedbackRequest') } } },
          responses: {
            202: jsonBody('FeedbackAccepted', 'the labels of recorded predictions are on the events queue'),
            ...errors(400, 401, 413, 429),
            503: jsonBody('EdgeError', 'queue_unavailable: the queue refused the labels; send them again'),
          },
        },
      },
      '/v1/models/{name}': {
        get: {
          summary: 'The live version, canary, shadow and signature of a model',
          parameters: [name],
          ...keyed,
          responses: { 200: jsonBody('ModelInfo', 'the model'), ...errors(401, 404, 413, 429, 503) },
        },
      },
      '/health': {
        get: {
          summary: 'Status of the default model in this isolate (public, nothing else)',
          responses: {
            200: jsonBody('PublicHealth', 'a version serves'),
            503: jsonBody('PublicHealth', 'nothing serves'),
          },
        },
      },
      '/health/details': {
        get: {
          summary: 'What serves the default model in this isolate, what the pointer names, and why they differ',
          ...keyed,
          responses: {
            200: jsonBody('Health', 'a version serves'),
            503: jsonBody('Health', 'nothing serves'),
            ...errors(401, 413, 429),
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics of this isolate',
          ...keyed,
          responses: {
            ...errors(401, 413, 429),
            200: {
              description: 'text exposition format 0.0.4',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/ping': {
        get: {
          summary: 'Liveness',
          responses: { 200: { description: 'pong', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
    components: {
      schemas: {
        PredictRequest: schema(PredictRequest),
        Prediction: schema(Prediction),
        BatchPrediction: schema(BatchPredictionSchema),
        ModelInfo: schema(ModelInfoSchema),
        PublicHealth: schema(PublicHealthSchema),
        Health: schema(HealthSchema),
        FeedbackRequest: schema(FeedbackRequest),
        FeedbackAccepted: schema(FeedbackAcceptedSchema),
        EdgeError: schema(EdgeError),
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
  };
  return cached;
}

import type {
  ArtifactList,
  DeploymentState,
  Experiment,
  ExperimentStatsList,
  ExperimentsPage,
  Metric,
  MetricBulkInterval,
  MetricHistoryPage,
  ModelVersionsPage,
  RegisteredModel,
  RegisteredModelsPage,
  Run,
  RunsPage,
  ViewType,
} from '../../client/schemas.ts';
import { actorHeaders } from './actor.ts';

const MLFLOW = '/api/2.0/mlflow';

/** An error answer of the API (`{error_code, message}`), or a network failure. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

type Query = Record<string, string | number | undefined | string[]>;

/** Builds `path?query`, repeating array values (`run_ids=a&run_ids=b`) as MLflow's GET endpoints expect. */
export function withQuery(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, item);
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      // Same-origin only, and a JSON content type: the server refuses cross-site state changes.
      credentials: 'same-origin',
      mode: 'same-origin',
      // State changes name who acts (the "Acting as" field), for the deployment history.
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' ? {} : actorHeaders()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NETWORK_ERROR', `Cannot reach the tracker: ${(e as Error).message}`, 0);
  }
  const text = await res.text();
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError('BAD_RESPONSE', `${res.status} ${res.statusText}: not JSON`, res.status);
    }
  }
  if (!res.ok) {
    const err = json as { error_code?: string; message?: string };
    throw new ApiError(err.error_code ?? `HTTP_${res.status}`, err.message ?? res.statusText, res.status);
  }
  return json as T;
}

const get = <T>(path: string, query?: Query) => call<T>('GET', withQuery(`${MLFLOW}/${path}`, query));
const post = <T>(path: string, body: unknown) => call<T>('POST', `${MLFLOW}/${path}`, body);

/** Parameters of runs/search. */
export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  order_by?: string[];
  max_results?: number;
  page_token?: string;
  run_view_type?: ViewType;
}

/** The dashboard's calls, one per MLflow/edgeflow endpoint it uses. */
export const api = {
  searchExperiments: (req: {
    max_results?: number;
    page_token?: string;
    view_type?: string;
    filter?: string;
    order_by?: string[];
  }) => post<ExperimentsPage>('experiments/search', req),
  getExperiment: (experiment_id: string) => get<{ experiment: Experiment }>('experiments/get', { experiment_id }),
  createExperiment: (name: string) => post<{ experiment_id: string }>('experiments/create', { name }),
  renameExperiment: (experiment_id: string, new_name: string) =>
    post<object>('experiments/update', { experiment_id, new_name }),
  deleteExperiment: (experiment_id: string) => post<object>('experiments/delete', { experiment_id }),
  restoreExperiment: (experiment_id: string) => post<object>('experiments/restore', { experiment_id }),

  searchRuns: (req: SearchRunsRequest) => post<RunsPage>('runs/search', req),
  getRun: (run_id: string) => get<{ run: Run }>('runs/get', { run_id }),
  getHistory: (run_id: string, metric_key: string, page_token?: string) =>
    get<MetricHistoryPage>('metrics/get-history', {
      run_id,
      metric_key,
      page_token,
      max_results: 25000,
    }),
  /** One metric of up to 100 runs, sampled to about `max_results` steps (in [start_step, end_step] when given). */
  getHistoryBulkInterval: (
    run_ids: string[],
    metric_key: string,
    max_results: number,
    start_step?: number,
    end_step?: number,
  ) =>
    get<MetricBulkInterval>('metrics/get-history-bulk-interval', {
      run_ids,
      metric_key,
      max_results,
      start_step,
      end_step,
    }),
  listArtifacts: (run_id: string, path?: string) => get<ArtifactList>('artifacts/list', { run_id, path }),

  searchRegisteredModels: (page_token?: string) =>
    get<RegisteredModelsPage>('registered-models/search', {
      max_results: 100,
      page_token,
    }),
  getRegisteredModel: (name: string) => get<{ registered_model: RegisteredModel }>('registered-models/get', { name }),
  searchModelVersions: (filter: string, page_token?: string) =>
    get<ModelVersionsPage>('model-versions/search', {
      filter,
      max_results: 200,
      page_token,
    }),
  setAlias: (name: string, alias: string, version: string) =>
    post<object>('registered-models/alias', { name, alias, version }),
  setRegisteredModelTag: (name: string, key: string, value: string) =>
    post<object>('registered-models/set-tag', { name, key, value }),
  deleteRegisteredModelTag: (name: string, key: string) =>
    call<object>('DELETE', `${MLFLOW}/registered-models/delete-tag`, { name, key }),

  experimentStats: (experiment_ids: string[]) =>
    call<ExperimentStatsList>('GET', withQuery('/api/2.0/edgeflow/experiments/stats', { experiment_ids })),
  getDeployment: (name: string) =>
    call<DeploymentState>('GET', withQuery('/api/2.0/edgeflow/deployments/get', { name })),
  rollback: (name: string) => call<object>('POST', '/api/2.0/edgeflow/deployments/rollback', { name }),
};

/** Reads every page of one metric's history (25,000 points a page). */
export async function fullHistory(run_id: string, key: string): Promise<Metric[]> {
  const out: Metric[] = [];
  let token: string | undefined;
  do {
    const page = await api.getHistory(run_id, key, token);
    if (page.metrics) for (const m of page.metrics) out.push(m);
    token = page.next_page_token || undefined;
  } while (token);
  return out;
}

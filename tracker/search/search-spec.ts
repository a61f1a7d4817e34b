import type { Comparator, EntityType } from './filter-ast.ts';

/** How one attribute may be searched. */
export interface AttributeSpec {
  /** The canonical attribute name the compiler knows. */
  name: string;
  kind: 'string' | 'number';
  comparators: readonly Comparator[];
  /** Whether it can be ordered by. */
  orderable?: boolean;
}

/** How the keys of one entity type (metrics, params, tags, datasets) may be searched. */
export interface EntitySpec {
  comparators: readonly Comparator[];
  kind: 'string' | 'number';
  /** Whether order_by may name its keys. */
  orderable?: boolean;
}

/** What a search accepts: which entity types, attributes, comparators. */
export interface SearchSpec {
  /** What is searched, for messages ("runs", "experiments"…). */
  what: string;
  /** Entity types other than attributes, with their comparators, value kind and whether they can be ordered by. */
  entities: Partial<Record<Exclude<EntityType, 'attribute'>, EntitySpec>>;
  /** Attribute names as written (aliases included) → their spec. */
  attributes: Record<string, AttributeSpec>;
}

const NUMERIC: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_OR_LIST: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

const runAttributes = (): Record<string, AttributeSpec> => {
  const startTime: AttributeSpec = { name: 'start_time', kind: 'number', comparators: NUMERIC, orderable: true };
  const runName: AttributeSpec = { name: 'run_name', kind: 'string', comparators: STRING_OR_LIST, orderable: true };
  return {
    run_id: { name: 'run_id', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    run_name: runName,
    'run name': runName,
    'Run name': runName,
    'Run Name': runName,
    status: { name: 'status', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    user_id: { name: 'user_id', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    artifact_uri: { name: 'artifact_uri', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    start_time: startTime,
    created: startTime,
    Created: startTime,
    end_time: { name: 'end_time', kind: 'number', comparators: NUMERIC, orderable: true },
  };
};

/** runs/search: metrics, params, tags, run attributes, datasets (name, digest, context). */
export const RUN_SEARCH: SearchSpec = {
  what: 'runs',
  entities: {
    metric: { comparators: NUMERIC, kind: 'number', orderable: true },
    param: { comparators: STRING, kind: 'string', orderable: true },
    tag: { comparators: STRING, kind: 'string', orderable: true },
    dataset: { comparators: STRING_OR_LIST, kind: 'string' },
  },
  attributes: runAttributes(),
};

/** experiments/search: name and times, tags. */
export const EXPERIMENT_SEARCH: SearchSpec = {
  what: 'experiments',
  entities: { tag: { comparators: STRING, kind: 'string' } },
  attributes: {
    name: { name: 'name', kind: 'string', comparators: STRING, orderable: true },
    experiment_id: { name: 'experiment_id', kind: 'number', comparators: NUMERIC, orderable: true },
    creation_time: { name: 'creation_time', kind: 'number', comparators: NUMERIC, orderable: true },
    last_update_time: { name: 'last_update_time', kind: 'number', comparators: NUMERIC, orderable: true },
  },
};

/** registered-models/search: name, tags; ordered by name or times. */
export const REGISTERED_MODEL_SEARCH: SearchSpec = {
  what: 'registered models',
  entities: { tag: { comparators: STRING, kind: 'string' } },
  attributes: {
    name: { name: 'name', kind: 'string', comparators: STRING, orderable: true },
    timestamp: { name: 'creation_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
    creation_timestamp: { name: 'creation_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
    last_updated_timestamp: { name: 'last_updated_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
  },
};

/** model-versions/search: name, version_number, run_id, source_path, tags. */
export const MODEL_VERSION_SEARCH: SearchSpec = {
  what: 'model versions',
  entities: { tag: { comparators: STRING, kind: 'string' } },
  attributes: {
    name: { name: 'name', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    version_number: { name: 'version_number', kind: 'number', comparators: NUMERIC, orderable: true },
    run_id: { name: 'run_id', kind: 'string', comparators: ['=', '!=', 'IN', 'NOT IN'], orderable: false },
    source_path: { name: 'source_path', kind: 'string', comparators: STRING, orderable: false },
    current_stage: { name: 'current_stage', kind: 'string', comparators: STRING_OR_LIST, orderable: true },
    timestamp: { name: 'creation_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
    creation_timestamp: { name: 'creation_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
    last_updated_timestamp: { name: 'last_updated_timestamp', kind: 'number', comparators: NUMERIC, orderable: true },
  },
};

/** Entity prefixes MLflow accepts, → their type. */
export const ENTITY_PREFIXES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

/** Dataset keys a run filter may name. */
export const DATASET_KEYS = ['name', 'digest', 'context'] as const;

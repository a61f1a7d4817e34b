export type { Comparator, Comparison, EntityType, FilterValue, OrderBy } from './filter-ast.ts';
export { SearchSyntaxError } from './filter-ast.ts';
export { MAX_FILTER_LENGTH, MAX_ORDER_BY, parseFilter, parseOrderBy } from './filter-parser.ts';
export { type Token, tokenize } from './filter-tokenizer.ts';
export { decodePageToken, encodePageToken } from './page-token.ts';
export {
  EXPERIMENT_SEARCH,
  MODEL_VERSION_SEARCH,
  REGISTERED_MODEL_SEARCH,
  RUN_SEARCH,
  type SearchSpec,
} from './search-spec.ts';

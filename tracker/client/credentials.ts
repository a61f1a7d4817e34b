/** How a client authenticates to a tracker with auth on: an API token, or a username and password. */
export interface Credentials {
  /** An API token, sent as `Authorization: Bearer`. */
  token?: string;
  /** A user's name and password, sent as HTTP Basic (when there is no token). */
  username?: string;
  password?: string;
}

/**
 * The credentials of the environment, as MLflow's clients read them: `EDGEFLOW_TOKEN` or
 * `MLFLOW_TRACKING_TOKEN` (a token), else `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD`.
 */
export function credentialsFromEnv(env: Record<string, string | undefined> = {}): Credentials {
  const token = env.EDGEFLOW_TOKEN?.trim() || env.MLFLOW_TRACKING_TOKEN?.trim();
  if (token) return { token };
  const username = env.MLFLOW_TRACKING_USERNAME;
  return username ? { username, password: env.MLFLOW_TRACKING_PASSWORD ?? '' } : {};
}

/** The `Authorization` header of `credentials`, or none. */
export function authorizationHeader(credentials: Credentials): Record<string, string> {
  if (credentials.token) return { authorization: `Bearer ${credentials.token}` };
  if (credentials.username === undefined) return {};
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password ?? ''}`);
  return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}

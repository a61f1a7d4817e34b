import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password-hash.ts';
import { newSecret, sha256Hex } from '../src/auth/secret.ts';
import { openServedTracker, type ServedTracker } from '../src/testing/served-tracker.ts';
import { authorizationHeader, credentialsFromEnv } from './credentials.ts';
import { TrackerClient } from './tracker-client.ts';
import { TrackerError } from './tracker-error.ts';

describe('credentialsFromEnv', () => {
  it('reads EDGEFLOW_TOKEN, then MLFLOW_TRACKING_TOKEN, then MLFLOW_TRACKING_USERNAME / PASSWORD', () => {
    expect(credentialsFromEnv({})).toEqual({});
    expect(credentialsFromEnv({ EDGEFLOW_TOKEN: 'a', MLFLOW_TRACKING_TOKEN: 'b' })).toEqual({ token: 'a' });
    expect(credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: 'b', MLFLOW_TRACKING_USERNAME: 'u' })).toEqual({ token: 'b' });
    expect(credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' })).toEqual({
      username: 'u',
      password: 'p',
    });
  });

  it('sends a token as Bearer and a password as HTTP Basic (UTF-8)', () => {
    expect(authorizationHeader({ token: 't' })).toEqual({ authorization: 'Bearer t' });
    expect(authorizationHeader({ username: 'zoë', password: 'p:w' })).toEqual({
      authorization: `Basic ${Buffer.from('zoë:p:w').toString('base64')}`,
    });
    expect(authorizationHeader({})).toEqual({});
  });
});

describe('TrackerClient against a tracker with auth on', () => {
  let tracker: ServedTracker;
  let token: string;
  beforeAll(async () => {
    tracker = await openServedTracker({ auth: { enabled: true } });
    const user = await tracker.store.auth.createUser('ci', await hashPassword('ci-password'), false, Date.now());
    token = newSecret('efk_');
    const now = Date.now();
    await tracker.store.auth.createToken({
      userId: user.id,
      name: 'ci',
      tokenHash: sha256Hex(token),
      scope: 'all',
      now,
      expiryTime: now + 60_000,
    });
  });
  afterAll(() => tracker?.close());

  it('works with a token or a password, and says UNAUTHENTICATED without', async () => {
    const byToken = new TrackerClient({ baseUrl: tracker.url, credentials: { token } });
    const id = await byToken.getOrCreateExperiment('client-auth');
    const byPassword = new TrackerClient({
      baseUrl: tracker.url,
      credentials: { username: 'ci', password: 'ci-password' },
    });
    expect(await byPassword.getOrCreateExperiment('client-auth')).toBe(id);
    const anonymous = new TrackerClient({ baseUrl: tracker.url, credentials: {} });
    const error = await anonymous.getOrCreateExperiment('client-auth').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ errorCode: 'UNAUTHENTICATED', status: 401 });
  });
});

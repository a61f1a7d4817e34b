/**
 * `npm run api-key -- create <name>` makes an API key for the worker's routes (used when the worker
 * var `REQUIRE_API_KEY` is on) and stores only its sha256 in the pointers KV namespace, through
 * the edge `EDGEFLOW_EDGE` names (local wrangler state or Cloudflare). The key is printed once.
 * `npm run api-key -- revoke <key>` deletes it.
 */

import { createApiKey, revokeApiKey } from '../contracts/api-key.ts';
import { openEdge } from '../tracker/src/edge/open-edge.ts';
import { runCli } from './cli.ts';

runCli('npm run api-key -- create <name> | revoke <key>', 2, async ([command, arg]) => {
  if (command !== 'create' && command !== 'revoke')
    throw new Error(`unknown command "${command}"; use create or revoke`);
  const edge = await openEdge(process.env);
  try {
    if (command === 'create') {
      const { key, kvKey } = await createApiKey(edge.kv, arg!);
      return `API key for "${arg}" (shown once; stored as ${kvKey} in ${edge.describe}):\n${key}`;
    }
    return `revoked ${await revokeApiKey(edge.kv, arg!)} in ${edge.describe} (isolates may accept it for up to a minute)`;
  } finally {
    await edge.close();
  }
});

/**
 * `npm run promote -- <model> <version>`: puts a registered version live at the edge by setting its
 * `production` alias through the tracker (which checks the artifacts and flips the KV pointer). The
 * model must be opted in to the edge (tag `edgeflow.edge=true`).
 */
import { EDGE_TAG, EDGE_TAG_ON, edgeOptedIn } from '../contracts/index.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import { runCli } from './cli.ts';

runCli('npm run promote -- <model> <version>', 2, async ([model, version]) => {
  const client = new TrackerClient();
  const registered = await client.getRegisteredModel(model);
  if (registered && !edgeOptedIn(registered.tags)) {
    throw new Error(
      `${model} is not opted in to the edge: set its registered-model tag ${EDGE_TAG}=${EDGE_TAG_ON} first (the dashboard's Models page, or registered-models/set-tag)`,
    );
  }
  const before = (await client.getDeployment(model)).pointer;
  await client.setAlias(model, 'production', version);
  const after = (await client.getDeployment(model)).pointer;
  return `${model}: version ${before?.version ?? '(none)'} → ${after?.version} is live (pointer written ${after?.promotedAt})`;
});

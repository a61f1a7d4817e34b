/**
 * `npm run rollback -- <model> [version]`: puts back live the version live before the current one (the
 * deployment history, skipping versions rolled back from), or `version`, through the tracker.
 */
import { TrackerClient } from '../tracker/client/index.ts';
import { runCli } from './cli.ts';

runCli('npm run rollback -- <model> [version]', [1, 2], async ([model, to]) => {
  const client = new TrackerClient();
  const before = (await client.getDeployment(model)).pointer;
  await client.rollback(model, to ? { to } : {});
  const after = (await client.getDeployment(model)).pointer;
  return `${model}: rolled back from version ${before?.version} to ${after?.version}`;
});

/**
 * `npm run rollback -- <model>`: puts the version the pointer held before back live, through the tracker.
 */
import { TrackerClient } from '../tracker/client/index.ts';
import { runCli } from './cli.ts';

runCli('npm run rollback -- <model>', 1, async ([model]) => {
  const client = new TrackerClient();
  const before = (await client.getDeployment(model)).pointer;
  await client.rollback(model);
  const after = (await client.getDeployment(model)).pointer;
  return `${model}: rolled back from version ${before?.version} to ${after?.version}`;
});

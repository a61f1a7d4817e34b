/**
 * `npm run promote -- <model> <version>`: puts a registered version live at the edge by setting its
 * `production` alias through the tracker (which checks the artifacts and flips the KV pointer).
 */
import { TrackerClient } from '../tracker/client/index.ts';
import { runCli } from './cli.ts';

runCli('npm run promote -- <model> <version>', 2, async ([model, version]) => {
  const client = new TrackerClient();
  const before = (await client.getDeployment(model)).pointer;
  await client.setAlias(model, 'production', version);
  const after = (await client.getDeployment(model)).pointer;
  return `${model}: version ${before?.version ?? '(none)'} → ${after?.version} is live (pointer written ${after?.promotedAt})`;
});

import { trackingUri } from '../tracker/client/tracking-uri.ts';

/**
 * Runs a small CLI: checks the positional arguments (`arity`: how many, or the least and the most),
 * prints the result or a one-line error, sets the exit code.
 */
export function runCli(
  usage: string,
  arity: number | readonly [number, number],
  run: (args: string[]) => Promise<string>,
): void {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const [least, most] = typeof arity === 'number' ? [arity, arity] : arity;
  if (args.length < least || args.length > most || args.some((a) => a.startsWith('-'))) {
    console.error(`usage: ${usage}`);
    process.exitCode = 2;
    return;
  }
  run(args).then(
    (line) => console.log(line),
    (err: unknown) => {
      const e = err as { message?: string; cause?: { code?: string } };
      console.error(
        e.cause?.code === 'ECONNREFUSED'
          ? `cannot reach the tracker at ${trackingUri(process.env)} (is \`npm start\` running? set MLFLOW_TRACKING_URI or EDGEFLOW_TRACKER_PORT)`
          : `error: ${e.message ?? String(err)}`,
      );
      process.exitCode = 1;
    },
  );
}

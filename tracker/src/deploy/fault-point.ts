/**
 * A named place in a multi-step change (a pointer flip) where a crash test can kill the tracker: when
 * `EDGEFLOW_FAULT` names this point, the process sends itself SIGKILL — no cleanup, no flush, as a power
 * cut or an OOM kill would. Unset (always, outside those tests) it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.EDGEFLOW_FAULT === name) process.kill(process.pid, 'SIGKILL');
}

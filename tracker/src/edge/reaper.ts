import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { ProcessEntry } from './process-table.ts';

/** What `reapOnExit` gives back. */
export interface Reaper {
  /** The targets ended normally: stop watching. */
  release(): void;
}

// Waits for EOF on stdin, then kills each "pid:starttime" argument that is still that same process.
const SCRIPT = `read -r _ && exit 0
for target; do
  pid=\${target%%:*}
  set -- $(cat "/proc/$pid/stat" 2>/dev/null)
  [ "\${22}" = "\${target#*:}" ] && kill -9 "$pid"
done`;

/**
 * Kills `targets` (processes this one started) when this process dies without `release()` first —
 * by a SIGKILL or a crash too, when none of its own code runs any more. A small `sh`, in this
 * process's group, waits on a pipe from it; the pipe closes when this process is gone, whatever the
 * cause, and the shell kills each target that is still the process it was (same pid and start time,
 * so a reused pid is never hit). Linux only (it reads /proc); elsewhere nothing is watched.
 */
export function reapOnExit(targets: ProcessEntry[]): Reaper {
  if (process.platform !== 'linux' || targets.length === 0) return { release() {} };
  const shell = spawn('/bin/sh', ['-c', SCRIPT, 'edgeflow-reaper', ...targets.map((t) => `${t.pid}:${t.startTime}`)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Without a shell (a distroless image) there is just no reaper.
  shell.on('error', () => {});
  shell.stdin!.on('error', () => {});
  shell.unref();
  (shell.stdin as Socket).unref();
  return {
    release() {
      if (shell.exitCode === null && shell.signalCode === null) shell.kill();
    },
  };
}

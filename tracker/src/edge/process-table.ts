import { readdirSync, readFileSync } from 'node:fs';

/** One process, as Linux's `/proc/<pid>/stat` describes it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** One letter; `Z` is a zombie (exited, not reaped yet), `X` dead. */
  state: string;
  /** Clock ticks after boot: with the pid, names one process even once its pid is reused. */
  startTime: string;
}

/** The process `pid`, or undefined when it does not exist (or there is no /proc). */
export function readProcess(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session tty_nr tpgid flags … starttime …"; comm may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), state: fields[0]!, startTime: fields[19]! };
}

/** Every process /proc shows (none where there is no /proc). */
export function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(Number(name));
    if (entry) out.push(entry);
  }
  return out;
}

/** Whether `entry` has exited (gone, or a zombie), judged by pid and start time. */
export function hasExited(entry: Pick<ProcessEntry, 'pid' | 'startTime'>): boolean {
  const now = readProcess(entry.pid);
  return !now || now.startTime !== entry.startTime || now.state === 'Z' || now.state === 'X';
}

/** The running child processes of `pid`. */
export function childProcesses(pid: number = process.pid): ProcessEntry[] {
  return listProcesses().filter((p) => p.ppid === pid && p.state !== 'Z' && p.state !== 'X');
}

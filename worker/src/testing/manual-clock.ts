/** A clock that moves only when told to: what a registry under test reads instead of `Date.now`. */
export interface ManualClock {
  /** The current time, in milliseconds. */
  now(): number;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
}

/** A manual clock starting at `start` (default: the real time now, so timestamps stay plausible). */
export function manualClock(start = Date.now()): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy', 'gentle',
  'glad', 'honest', 'keen', 'lively', 'lucky', 'merry', 'nimble', 'proud', 'quick', 'quiet', 'rare',
  'sharp', 'shy', 'silent', 'sleek', 'smart', 'steady', 'swift', 'tidy', 'vivid', 'wise',
];
const NOUNS = [
  'ant', 'bat', 'bear', 'bee', 'cat', 'crab', 'crow', 'deer', 'dove', 'duck', 'eel', 'finch', 'fox',
  'frog', 'goat', 'hare', 'hawk', 'horse', 'lark', 'lynx', 'mole', 'moth', 'newt', 'owl', 'panda',
  'ram', 'seal', 'slug', 'snail', 'swan', 'toad', 'wolf',
];

/** A random run name in MLflow's style (`<adjective>-<animal>-<number>`), for runs created without one. */
export function runName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}

/** The request header whose value keeps a client on one side of a canary split. */
export const CLIENT_KEY_HEADER = 'x-edgeflow-key';

/**
 * A stable number in [0, 1) for `text` (32-bit FNV-1a). Not cryptographic: it only spreads client keys
 * evenly over the canary split.
 */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // a final avalanche (murmur3's fmix32) so that keys differing in their last character spread too
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * Whether a request goes to the canary of `model` at `weight` (0..1). With a client key the choice is a
 * function of (model, key), so a client keeps its side while the weight stays (and stays on the canary as
 * the weight grows); without one it is random.
 */
export function pickCanary(model: string, weight: number, clientKey?: string | null): boolean {
  if (weight <= 0) return false;
  if (weight >= 1) return true;
  const u = clientKey ? unitHash(`${model}\u0000${clientKey}`) : Math.random();
  return u < weight;
}

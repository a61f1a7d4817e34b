import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

let ready: Promise<void> | undefined;

/**
 * Selects TFJS's pure-JS CPU backend once per isolate. Only tfjs-core, the CPU backend and
 * tfjs-layers are bundled, never the `@tensorflow/tfjs` umbrella package.
 */
export function tfReady(): Promise<void> {
  ready ??= init();
  return ready;
}

/** tfjs-core, for the worker's own tensor work. */
export { tf };

async function init(): Promise<void> {
  // Production mode skips debug checks; it also silences the CPU backend's "use tfjs-node" notice.
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('the TFJS cpu backend could not be initialised');
}

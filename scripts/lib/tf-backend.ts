import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** A tfjs backend that runs in plain Node (no native library). */
export type NodeBackend = 'wasm' | 'cpu';

/**
 * Make `preferred` the active tfjs backend and return the one actually in use. `wasm` (about 2× faster
 * than `cpu` for the demo MLP) loads its `.wasm` file from `node_modules` — no network — and falls back
 * to `cpu` if it cannot start. Silences tfjs's "install tfjs-node" banner.
 */
export async function initBackend(preferred: NodeBackend = 'wasm'): Promise<NodeBackend> {
  tf.env().set('PROD', true);
  if (tf.getBackend() === preferred) return preferred;
  if (preferred === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(`${dir}/`);
      // Node runs the single-threaded SIMD build; the threaded one needs a worker script.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      // fall through to the CPU backend
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

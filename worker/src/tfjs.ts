import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmBackend, WASM_BACKEND } from './wasm-backend.ts';

/** What `EDGEFLOW_BACKEND` may ask for: `auto` (default), `cpu`, `wasm` or `js` (see `chooseRunner`). */
export type BackendPreference = 'auto' | 'cpu' | 'wasm' | 'js';

let ready: Promise<string> | undefined;

/**
 * Selects the isolate's TFJS backend once (later calls get the same answer, whatever they ask): the WASM
 * backend (SIMD, registered by `registerWasmBackend`) unless `preference` is `cpu`, falling back to the
 * pure-JS CPU backend if WASM does not start. Resolves to the backend's name (`wasm` or `cpu`). Only
 * tfjs-core, these backends and tfjs-layers are bundled, never the `@tensorflow/tfjs` umbrella package.
 */
export function tfReady(preference: BackendPreference = 'auto'): Promise<string> {
  ready ??= init(preference);
  return ready;
}

/** Parses `EDGEFLOW_BACKEND` (unknown values mean `auto`). */
export function backendPreference(value: string | undefined): BackendPreference {
  const v = value?.trim().toLowerCase();
  return v === 'cpu' || v === 'wasm' || v === 'js' ? v : 'auto';
}

/** tfjs-core, for the worker's own tensor work. */
export { tf };

async function init(preference: BackendPreference): Promise<string> {
  // Production mode skips debug checks; it also silences the CPU backend's "use tfjs-node" notice.
  tf.enableProdMode();
  if (preference !== 'cpu') {
    let problem: unknown = 'setBackend refused it';
    try {
      registerWasmBackend();
      if (await tf.setBackend(WASM_BACKEND)) return WASM_BACKEND;
    } catch (error) {
      problem = error;
    }
    console.error('edgeflow: the TFJS wasm backend did not start; using cpu:', problem);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the TFJS cpu backend could not be initialised');
  return 'cpu';
}

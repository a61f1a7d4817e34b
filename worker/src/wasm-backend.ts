import { BackendWasm } from '@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm/dist/register_all_kernels.js';
import wasmFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js';
import simdModule from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm';

/** The name the worker registers tfjs's WASM backend under. */
export const WASM_BACKEND = 'wasm';

/**
 * Registers tfjs's WASM backend (SIMD build, single-threaded) without the stock loader, which fetches
 * the `.wasm` at run time (Workers forbid compiling fetched code, tfjs#8157): the `.wasm` is imported as
 * a compiled `WebAssembly.Module` (wrangler bundles it) and handed to the emscripten factory through its
 * `instantiateWasm` hook. The kernels come from `register_all_kernels`; selecting the backend is the
 * caller's (`tf.setBackend('wasm')`), and it fails cleanly if instantiation does.
 */
export function registerWasmBackend(): void {
  if (tf.findBackendFactory(WASM_BACKEND)) tf.removeBackend(WASM_BACKEND);
  tf.registerBackend(
    WASM_BACKEND,
    async () => {
      const module = await wasmFactory({
        instantiateWasm(
          imports: WebAssembly.Imports,
          done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
        ) {
          WebAssembly.instantiate(simdModule, imports).then((instance) => done(instance, simdModule));
          return {};
        },
        locateFile: (path: string) => path,
      });
      const voidType = null;
      const cwrap = module.cwrap as (name: string, ret: string | null, args: string[]) => unknown;
      module.tfjs = {
        init: cwrap('init', null, []),
        initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: cwrap('get_threads_count', 'number', []),
        registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: cwrap('dispose_data', voidType, ['number']),
        dispose: cwrap('dispose', voidType, []),
      };
      return new BackendWasm(module as never);
    },
    1,
  );
}

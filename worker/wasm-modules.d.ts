declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js' {
  /** The emscripten factory of tfjs's single-threaded WASM backend (plain and SIMD builds). */
  const factory: (config: Record<string, unknown>) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module '@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js' {
  export { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
}
declare module '@tensorflow/tfjs-backend-wasm/dist/register_all_kernels.js';

// The run worker: core's run layer with the browser backend, off the page's thread.
import { serveRuns } from '@modelspec/backend-web/worker';
import { browserWebgpuEngine } from '@modelspec/engine-webgpu';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const abs = (u: string) => new URL(u, self.location.href).href;
// the browser's engines, and webgpu on navigator.gpu (a software adapter, such as SwiftShader, only when picked)
serveRuns({ wasmPaths: { 'tfjs-backend-wasm.wasm': abs(plain), 'tfjs-backend-wasm-simd.wasm': abs(simd), 'tfjs-backend-wasm-threaded-simd.wasm': abs(threaded) }, engines: [browserWebgpuEngine] });

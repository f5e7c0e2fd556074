import { cpuEngine } from './cpu.js';
import { wasmEngine } from './wasm.js';
import { tensorflowEngine } from './tensorflow.js';
import { nativeEngine } from './native.js';

/** Node's built-in engines (ordered by their declared priority, not by this list). */
export const nodeEngines = [tensorflowEngine, nativeEngine, wasmEngine, cpuEngine] as const;

export { cpuEngine, wasmEngine, tensorflowEngine, nativeEngine };
export type { Engine } from './engine.js';

/**
 * A tfjs engine that backend-node can run on. Engines are probed (can it run
 * here? if not, why, and how to fix it) and activated; `activate` is the only
 * place where tfjs's global backend is changed.
 */
export type EngineProbe =
  | { available: true; detail?: string }
  | { available: false; reason: string; fix?: string };

export interface Engine {
  /** The name `--engine` takes and run records show: tensorflow, native, wasm, cpu. */
  readonly name: string;
  readonly description: string;
  probe(): Promise<EngineProbe>;
  /** Registers the tfjs backend if needed and makes it current (`tf.setBackend`). */
  activate(): Promise<void>;
}

import type * as tf from '@tensorflow/tfjs-core';
import type { Plugin } from '../registry/registry.js';

/** Whether an engine can run here, and if not, why and how to fix that. */
export type EngineProbe =
  | { available: true; detail?: string; adapter?: EngineAdapter }
  | { available: false; reason: string; fix?: string };

/** The device an engine runs on, when it is not simply this machine's CPU (a GPU adapter, say). */
export interface EngineAdapter {
  vendor: string;
  architecture?: string;
  backend?: string;
  /** A software adapter (SwiftShader, llvmpipe) is for tests and never outranks a CPU engine. */
  software: boolean;
}

/**
 * How far two runs on one engine may differ: `bit-identical` engines give the
 * same weights for the same spec and seed; `tolerance` engines agree within
 * `relative` (GPU reductions, threads that race).
 */
export type Determinism = { class: 'bit-identical' } | { class: 'tolerance'; relative: number };

export type EngineDtype = 'float32' | 'int32' | 'bool';

/** What an engine declares about itself; the conformance kit holds it to these claims. */
export interface EngineCapabilities {
  /**
   * The tfjs kernels this engine implements itself (on top of the tfjs backend
   * it builds on): the conformance kit checks each of them against tfjs `cpu`.
   */
  readonly kernels: readonly string[];
  /** Kernels training may need that this engine lacks; a model needing one falls back to the next engine, with this reason. */
  readonly missingTrainingKernels: readonly string[];
  readonly dtypes: readonly EngineDtype[];
  readonly determinism: Determinism;
}

/**
 * One tfjs engine: a registry kind like a layer or a dataset. Engines are
 * ordered by `priority` (higher first, as tfjs orders its backends); the
 * default is the first available one that can train the model.
 */
export interface EngineKind extends Plugin {
  readonly priority: number;
  /** Where it can run at all. */
  readonly environments: readonly ('node' | 'browser')[];
  /** The tfjs backend name `activate` makes current. */
  readonly tfjsBackend: string;
  readonly capabilities: EngineCapabilities;
  probe(): Promise<EngineProbe>;
  /** Registers the tfjs backend and its kernels if needed and makes it current (`tf.setBackend`). */
  activate(): Promise<void>;
  /**
   * An engine may supply its own implementation of an optimizer kind (the
   * native engine's fused Adam): same parameters, same results as the
   * registry's optimizer. `undefined` means "use the registry's".
   */
  optimizer?(type: string, params: Record<string, unknown>): tf.Optimizer | undefined;
}

export const defineEngine = (e: EngineKind): EngineKind => e;

/** Engines best first: priority, then registration order. */
export function sortEngines(engines: readonly EngineKind[]): EngineKind[] {
  return engines.map((e, i) => ({ e, i })).sort((a, b) => b.e.priority - a.e.priority || a.i - b.i).map((x) => x.e);
}

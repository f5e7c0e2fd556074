import type * as tfl from '@tensorflow/tfjs-layers';
import type { DataSource } from '../data/types.js';
import type { Determinism, EngineAdapter, EngineKind } from '../engine/engine.js';
import type { PluginRecord } from '../plugin/host.js';

/** One tfjs engine a backend can run on, and whether it can here. */
export interface EngineStatus {
  name: string;
  description: string;
  available: boolean;
  /** Why it is unavailable, and how to fix that. */
  reason?: string;
  fix?: string;
  detail?: string;
  /** Its rank (higher first) and determinism class, as the engine declares them. */
  priority?: number;
  determinism?: Determinism;
  /** The GPU adapter it runs on, when it runs on one. */
  adapter?: EngineAdapter;
}

/** What modelspec records inside a saved model, so the model alone can be evaluated and used. */
export interface ModelMetadata {
  modelspecVersion: string;
  spec: unknown;
  classNames: string[];
  inputShape: number[];
  /** Pixel divisor and label encoding, as in the spec's data.preprocess. */
  preprocess: { divideBy: number; labels: 'integer' | 'oneHot' };
  seed: number;
  engine: string;
  /** The plugins (built-ins included) the model was trained with: their layers may be in it. */
  plugins?: PluginRecord[];
}

/**
 * A backend: where modelspec runs (Node, a browser, a third party's runtime).
 * It picks and activates the tfjs engine, reads dataset bytes, and persists
 * models. Core never touches files, the network or the DOM itself.
 */
export interface Backend {
  readonly name: string;
  /** Every engine this backend knows, best first, with availability. */
  engines(): Promise<EngineStatus[]>;
  /**
   * Activates an engine: the named one, or the best available. This is the
   * only place tfjs's global backend is set.
   */
  prepare(opts?: { engine?: string }): Promise<EngineStatus>;
  /** An engine by name, for its capabilities and optimizer hook. */
  engine(name: string): EngineKind | undefined;
  readonly data: DataSource;
  saveModel(model: tfl.LayersModel, location: string, metadata: ModelMetadata): Promise<void>;
  loadModel(location: string): Promise<{ model: tfl.LayersModel; metadata: ModelMetadata }>;
}

/**
 * Node's engines are core `EngineKind`s (probe, activate, declared
 * capabilities), registered through the plugin host like any third-party
 * engine. `activate` is the only place where tfjs's global backend changes.
 */
export type { EngineKind as Engine, EngineProbe } from '@modelspec/core';

import { closest, distance } from 'fastest-levenshtein';
import { PluginError } from '../errors.js';

/** Every extension point (layers, optimizers, datasets, ...) is a plugin keyed by `type`. */
export interface Plugin {
  readonly type: string;
  readonly description: string;
  /** The Keras equivalent, as code (`tf.keras.layers.Dense`); editors show it with the kind. */
  readonly keras?: string;
}

/**
 * A kind's name: a camelCase identifier, namespaced by its plugin when it
 * comes from one (`acme/swish`, `@scope/swish`, `@scope/x/swish`).
 */
export const KIND_NAME = /^(?:(?:@[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?|[a-z0-9][a-z0-9._-]*)\/)?[a-z][A-Za-z0-9]*$/;

/** The namespace part of a kind's name (`acme` of `acme/swish`), or null for a built-in. */
export function namespaceOf(type: string): string | null {
  const i = type.lastIndexOf('/');
  return i < 0 ? null : type.slice(0, i);
}

/** The nearest valid name, when it is close enough to be a plausible typo. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || name.length === 0) return undefined;
  const lower = candidates.map((c) => c.toLowerCase());
  const exactCase = lower.indexOf(name.toLowerCase());
  if (exactCase >= 0) return candidates[exactCase];
  // A prefix of a name, or a name plus a suffix ("int" for "integer", "directory" for "dir").
  const n = name.toLowerCase();
  if (n.length >= 3) {
    const pre = lower.findIndex((c) => c.startsWith(n) || (n.startsWith(c) && c.length >= 3));
    if (pre >= 0) return candidates[pre];
  }
  const best = closest(name.toLowerCase(), lower);
  const d = distance(name.toLowerCase(), best);
  return d <= Math.max(2, Math.floor(best.length / 3)) ? candidates[lower.indexOf(best)] : undefined;
}

/**
 * An immutable name → plugin map. Built-ins are a `const` object so the name
 * type is derived from it; plugins are added with `with()`, which returns a new
 * registry (importing a module never mutates a registry).
 */
export class Registry<T extends Plugin> {
  private readonly items: ReadonlyMap<string, T>;

  constructor(
    readonly kind: string,
    items: Iterable<T>,
    private readonly validatePlugin: (p: T) => void = () => {},
  ) {
    const map = new Map<string, T>();
    for (const item of items) {
      if (typeof item.type !== 'string' || !KIND_NAME.test(item.type)) {
        throw new PluginError(String(item.type), `${kind} type must be a camelCase identifier, namespaced by its plugin (acme/swish)`);
      }
      if (map.has(item.type)) throw new PluginError(item.type, `a ${kind} named "${item.type}" is already registered`);
      if (typeof item.description !== 'string' || item.description.length === 0) {
        throw new PluginError(item.type, `${kind} "${item.type}" needs a description`);
      }
      validatePlugin(item);
      map.set(item.type, item);
    }
    this.items = map;
  }

  static fromObject<T extends Plugin>(kind: string, items: Record<string, T>, validate?: (p: T) => void): Registry<T> {
    for (const [key, item] of Object.entries(items)) {
      if (item.type !== key) throw new PluginError(item.type, `registered under "${key}" but its type is "${item.type}"`);
    }
    return new Registry(kind, Object.values(items), validate);
  }

  get(type: string): T | undefined {
    return this.items.get(type);
  }

  has(type: string): boolean {
    return this.items.has(type);
  }

  names(): string[] {
    return [...this.items.keys()];
  }

  values(): T[] {
    return [...this.items.values()];
  }

  suggest(type: string): string | undefined {
    return suggest(type, this.names());
  }

  /** The same extension point with nothing registered (a plugin host fills it). */
  empty(): Registry<T> {
    return new Registry(this.kind, [], this.validatePlugin);
  }

  /** A new registry with extra plugins (third-party layers, datasets, ...). */
  with(...plugins: T[]): Registry<T> {
    return new Registry(this.kind, [...this.items.values(), ...plugins], this.validatePlugin);
  }
}

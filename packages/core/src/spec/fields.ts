import { Type, type TSchema, type TOptional } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/**
 * An optional field with a literal default and a description. Every optional
 * field in the spec goes through here, so "every default is literal and
 * visible in the resolved spec" holds by construction (and a test checks it).
 */
export function opt<T extends TSchema>(schema: T, def: Static<T>, description: string): TOptional<T> {
  return Type.Optional({ ...schema, default: def, description } as T) as unknown as TOptional<T>;
}

/** A required field with a description. */
export function req<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description } as T;
}

/**
 * `X | null`, null by default: "not set" is said explicitly. Written as
 * if/else rather than anyOf because Ajv fills defaults inside `else` but never
 * inside anyOf/oneOf branches, and X may be an object with defaults.
 */
export function orNull<T extends TSchema>(schema: T, extra: object = {}) {
  return Type.Unsafe<Static<T> | null>({ if: { type: 'null' }, else: schema, ...extra });
}

export function nullable<T extends TSchema>(schema: T, description: string) {
  return Type.Optional(orNull(schema, { default: null, description }));
}

/** Sizes, counts, extents: at most 2^31 - 1, which is also the most elements tfjs can index. */
export const PositiveInt = (o: object = {}) => Type.Integer({ minimum: 1, maximum: 2147483647, ...o });
export const Fraction = (o: object = {}) => Type.Number({ minimum: 0, exclusiveMaximum: 1, ...o });
/** A 2-D size: a single integer for both axes, or [rows, cols]. */
export const Size2 = (o: object = {}) => Type.Union([PositiveInt(), tuple(PositiveInt(), PositiveInt())], o);
export type Size2 = number | [number, number];
export const toPair = (s: Size2): [number, number] => (Array.isArray(s) ? s : [s, s]);

/**
 * A union discriminated on `type`: Ajv's `discriminator` picks the branch by
 * the `type` value, so a misspelled type gives one error instead of one per branch.
 */
export function discriminated<T extends TSchema[]>(branches: [...T], options: object = {}) {
  return Type.Unsafe<Static<T[number]>>({
    type: 'object',
    discriminator: { propertyName: 'type' },
    // No description here: editors show the first one they find, and each branch's `type` says which kind it is.
    properties: { type: { type: 'string' } },
    required: ['type'],
    oneOf: branches,
    ...options,
  });
}

/** A fixed-length list in JSON Schema 2020-12 form (`prefixItems`; TypeBox's Tuple emits draft-07 `items`). */
export function tuple<T extends TSchema[]>(...items: [...T]) {
  return Type.Unsafe<{ [K in keyof T]: Static<T[K]> }>({ type: 'array', prefixItems: items, items: false, minItems: items.length, maxItems: items.length });
}

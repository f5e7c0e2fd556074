import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { issue, type Issue } from '../errors.js';
import { suggest } from '../registry/registry.js';
import type { Registries } from './registries.js';
import { buildSpecSchema, type ResolvedModelSpec } from './schema.js';
import type { ParsedSource } from './parse.js';

type AnySchema = Record<string, unknown>;

/** `/model/layers/2/units` → `model.layers.2.units` */
const toPath = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (Number.isInteger(v)) return 'integer';
  return typeof v === 'object' ? 'mapping' : typeof v;
}

const didYouMean = (name: unknown, candidates: string[]) => {
  const s = typeof name === 'string' ? suggest(name, candidates) : undefined;
  return s ? { hint: `did you mean "${s}"?` } : {};
};

function branchTypes(schema: AnySchema | undefined): string[] {
  const oneOf = (schema?.['oneOf'] ?? []) as AnySchema[];
  return oneOf.map((b) => ((b['properties'] as AnySchema)?.['type'] as AnySchema)?.['const']).filter((c): c is string => typeof c === 'string');
}

/** What the anyOf alternatives accept, in words. */
function describeAnyOf(schema: AnySchema): string {
  const alts = (schema['anyOf'] as AnySchema[]).map((s) => {
    if (s['$ref']) return `a ${String(s['$ref']).split('/').pop()} mapping`;
    if (s['enum']) return `one of ${(s['enum'] as unknown[]).join(', ')}`;
    if (s['type'] === 'array') return 'a list';
    if (s['type'] === 'object') return 'a mapping with a type';
    return String(s['type']);
  });
  return alts.join(', or ');
}

function toIssue(e: ErrorObject): Issue | undefined {
  const path = toPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  const got = e.data;
  switch (e.keyword) {
    case 'required':
      return issue('missing-field', join(path, String(p['missingProperty'])), `missing required field "${p['missingProperty']}"`);
    case 'additionalProperties': {
      const allowed = Object.keys(((e.parentSchema as AnySchema)?.['properties'] ?? {}) as AnySchema);
      const key = String(p['additionalProperty']);
      return issue('unknown-field', join(path, key), `unknown field "${key}"`, {
        ...didYouMean(key, allowed),
        expected: allowed.join(', '),
      });
    }
    case 'discriminator': {
      const types = branchTypes(e.parentSchema as AnySchema);
      if (p['error'] === 'mapping') {
        return issue('unknown-type', join(path, 'type'), `unknown type ${show(p['tagValue'])}`, {
          ...didYouMean(p['tagValue'], types),
          expected: types.join(', '),
          received: show(p['tagValue']),
        });
      }
      return issue('missing-type', join(path, 'type'), 'missing "type" (a string naming the kind)', { expected: types.join(', ') });
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      return issue('invalid-value', path, `${show(got)} is not allowed`, { ...didYouMean(got, allowed), expected: allowed.join(', '), received: show(got) });
    }
    case 'const':
      return issue('invalid-value', path, `must be ${show(p['allowedValue'])}, got ${show(got)}`, { expected: show(p['allowedValue']), received: show(got) });
    case 'type':
      return issue('wrong-type', path, `expected ${String(p['type']).replace('object', 'mapping').replace('array', 'list')}, got ${typeOf(got)} ${show(got)}`, {
        expected: String(p['type']),
        received: show(got),
      });
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue('out-of-range', path, `must be ${p['comparison']} ${p['limit']}, got ${show(got)}`, { expected: `${p['comparison']} ${p['limit']}`, received: show(got) });
    case 'anyOf':
      return issue('wrong-type', path, `expected ${describeAnyOf(e.parentSchema as AnySchema)}; got ${typeOf(got)} ${show(got)}`, { received: show(got) });
    case 'oneOf':
    case 'if':
      return undefined; // the chosen branch's own errors say more
    default:
      return issue('invalid-value', path, `${e.message ?? 'is invalid'}${got !== undefined && typeof got !== 'object' ? `, got ${show(got)}` : ''}`);
  }
}

/**
 * Ajv reports every failing alternative of an `anyOf`; a reader wants one line
 * per problem. For each failed anyOf: a mapping value keeps the errors of the
 * mapping alternative (unknown type, bad param); a string keeps its enum error
 * (with "did you mean"); anything else becomes the anyOf's one-line summary.
 */
function fold(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const a of errors.filter((e) => e.keyword === 'anyOf')) {
    const under = errors.filter((e) => e !== a && (e.instancePath === a.instancePath || e.instancePath.startsWith(a.instancePath + '/')));
    const atSelf = under.filter((e) => e.instancePath === a.instancePath);
    const v = a.data;
    const structural = under.filter((e) => e.keyword !== 'type' && e.keyword !== 'enum' && e.keyword !== 'anyOf');
    if (v !== null && typeof v === 'object' && structural.length) {
      drop.add(a);
      atSelf.filter((e) => e.keyword === 'type' || e.keyword === 'enum').forEach((e) => drop.add(e));
    } else if (typeof v === 'string' && atSelf.some((e) => e.keyword === 'enum')) {
      drop.add(a);
      under.filter((e) => e.keyword !== 'enum').forEach((e) => drop.add(e));
    } else {
      under.forEach((e) => drop.add(e));
    }
  }
  return errors.filter((e) => !drop.has(e));
}

export interface Validator {
  readonly schema: Record<string, unknown>;
  /** Validates and fills defaults in a copy of the data. */
  validate(data: unknown, source?: ParsedSource): { ok: true; spec: ResolvedModelSpec; issues: Issue[] } | { ok: false; issues: Issue[] };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export function createValidator(reg: Registries): Validator {
  const schema = buildSpecSchema(reg);
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, useDefaults: true, strict: true, strictTypes: false, verbose: true });
  const run: ValidateFunction = ajv.compile(schema);
  return {
    schema,
    validate(data, source) {
      const copy = structuredClone(data);
      if (run(copy)) {
        const { $schema: _ignored, ...rest } = copy as Record<string, unknown>;
        return { ok: true, spec: deepFreeze(rest) as unknown as ResolvedModelSpec, issues: [] };
      }
      const issues = fold(run.errors ?? [])
        .map(toIssue)
        .filter((i): i is Issue => i !== undefined)
        .map((i) => {
          const key = i.code === 'unknown-field' || i.code === 'missing-field' ? i.path.split('.').pop() : undefined;
          const parent = key !== undefined ? i.path.split('.').slice(0, -1).join('.') : i.path;
          const loc = source?.locate(parent, i.code === 'unknown-field' ? key : undefined);
          return loc ? { ...i, loc } : i;
        });
      return { ok: false, issues: dedupe(issues) };
    },
  };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { compileValidation, precompiledFor, type PrecompiledValidator } from './validate-standalone.js';
import { issue, type Issue } from '../errors.js';
import { namespaceOf, suggest } from '../registry/registry.js';
import { pluginPackageName } from '../plugin/define.js';
import type { Registries } from './registries.js';
import { buildSpecSchema, type ResolvedModelSpec } from './schema.js';
import { forValidation } from './editor.js';
import type { ParsedSource } from './parse.js';
import { applyOverrides } from './overrides.js';
import { checkSearch, type FieldCheck } from '../check/search.js';

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

/** "integer 0", "string \"abc\"", "null", "a list": the kind and, for scalars, the value. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const kind = Number.isInteger(v) ? 'integer' : typeof v;
  return `${kind} ${show(v)}`;
}

/** Human words for the patterns the schema uses. */
const PATTERNS: Record<string, string> = {
  '^[a-z0-9][a-z0-9._-]*$': 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit',
  '^[A-Za-z][A-Za-z0-9_.-]*$': 'letters, digits, ".", "_" and "-", starting with a letter',
};

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
    if (s['type'] === 'array') return s['prefixItems'] ? `a list of ${(s['prefixItems'] as unknown[]).length}` : 'a list';
    if (s['type'] === 'object') return 'a mapping with a type';
    return String(s['type']);
  });
  return [...new Set(alts)].join(', or ');
}

/**
 * A namespaced kind (`acme/swish`) whose plugin is not loaded: a spec never
 * loads code, so say which plugin it needs and how the user opts in.
 */
function missingPlugin(name: unknown, known: string[], path: string): Issue | undefined {
  if (typeof name !== 'string') return undefined;
  const ns = namespaceOf(name);
  if (ns === null || known.some((k) => namespaceOf(k) === ns)) return undefined;
  const pkg = pluginPackageName(ns);
  return issue('plugin-not-loaded', path, `unknown type ${show(name)}: it comes from the plugin ${pkg}, which is not loaded`, {
    hint: `opt in with --plugin ${ns} or a path to it, or list "${ns}" under "plugins" in modelspec.config.json`,
    received: show(name),
  });
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
        const missing = missingPlugin(p['tagValue'], types, join(path, 'type'));
        if (missing) return missing;
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
      const missing = missingPlugin(got, allowed, path);
      if (missing) return missing;
      return issue('invalid-value', path, `${show(got)} is not allowed`, { ...didYouMean(got, allowed), expected: allowed.join(', '), received: show(got) });
    }
    case 'const':
      return issue('invalid-value', path, `must be ${show(p['allowedValue'])}, got ${show(got)}`, { expected: show(p['allowedValue']), received: show(got) });
    case 'type':
      return issue('wrong-type', path, `expected ${String(p['type']).replace('object', 'a mapping').replace('array', 'a list')}, got ${describe(got)}`, {
        received: show(got),
      });
    case 'minItems':
      return issue('too-few', path, `needs at least ${p['limit']} item${p['limit'] === 1 ? '' : 's'}, got ${Array.isArray(got) ? got.length : 0}`);
    case 'maxItems':
      return issue('too-many', path, `takes at most ${p['limit']} item${p['limit'] === 1 ? '' : 's'}, got ${Array.isArray(got) ? got.length : 0}`);
    case 'minLength':
      return issue('invalid-value', path, 'must not be empty');
    case 'pattern':
      return issue('invalid-value', path, `${show(got)} is not allowed here: use ${PATTERNS[String(p['pattern'])] ?? `the form ${p['pattern']}`}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue('out-of-range', path, `must be ${p['comparison']} ${p['limit']}, got ${show(got)}`, { expected: `${p['comparison']} ${p['limit']}`, received: show(got) });
    case 'anyOf':
      return issue('wrong-type', path, `expected ${describeAnyOf(e.parentSchema as AnySchema)}; got ${describe(got)}`, { received: show(got) });
    case 'oneOf':
    case 'if':
      return undefined; // the chosen branch's own errors say more
    default:
      return issue('invalid-value', path, `${e.message ?? 'is invalid'}${got !== undefined && typeof got !== 'object' ? `, got ${show(got)}` : ''}`);
  }
}

/**
 * Ajv reports every failing alternative of an `anyOf`, and sometimes two
 * keywords for one mistake; a reader wants one line per problem. For a failed
 * anyOf, errors that say more than "wrong type" (a bound, an unknown type, a
 * bad param inside the mapping alternative) are kept and the type errors of
 * the other alternatives dropped; when only type errors remain, the anyOf's
 * one-line summary replaces them.
 */
function fold(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const within = (e: ErrorObject, p: string) => e.instancePath === p || e.instancePath.startsWith(p + '/');
  for (const a of errors.filter((e) => e.keyword === 'anyOf')) {
    const under = errors.filter((e) => e !== a && within(e, a.instancePath));
    const telling = under.filter((e) => e.keyword !== 'type' && e.keyword !== 'anyOf' && e.keyword !== 'if');
    if (telling.length) {
      drop.add(a);
      under.filter((e) => e.keyword === 'type' || (e.keyword === 'anyOf' && e !== a)).forEach((e) => drop.add(e));
    } else under.forEach((e) => drop.add(e));
  }
  for (const e of errors) {
    // A missing or non-string `type` is reported once (by the discriminator), not also as a missing field.
    if (e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'type' && errors.some((d) => d.keyword === 'discriminator' && d.instancePath === e.instancePath)) drop.add(e);
    // A value of the wrong type is not also "not one of the allowed values".
    if (e.keyword === 'enum' && errors.some((t) => t.keyword === 'type' && t.instancePath === e.instancePath)) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

/** `unit: 64` gives "unknown field unit (did you mean units?)" and "missing units": one mistake, one line. */
function mergeTypos(issues: Issue[]): Issue[] {
  return issues.filter((m) => {
    if (m.code !== 'missing-field') return true;
    const parent = m.path.split('.').slice(0, -1).join('.');
    const field = m.path.split('.').pop();
    return !issues.some((u) => u.code === 'unknown-field' && u.path.split('.').slice(0, -1).join('.') === parent && u.hint === `did you mean "${field}"?`);
  });
}

const MAX_ISSUES = 50;

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

/** `precompiled`: Ajv standalone code for the built-in schema (no `eval`, for a strict CSP); used when it matches `reg`'s schema. */
export function createValidator(reg: Registries, precompiled?: PrecompiledValidator): Validator {
  const schema = buildSpecSchema(reg);
  // Editor-only annotations (Markdown, snippets, did-you-mean hints) never reach Ajv.
  const run: ValidateFunction = precompiledFor(schema, precompiled) ?? compileValidation(forValidation(schema));

  /** The validator's first complaint about `spec` with `path` set to `value` (for search values). */
  const fieldCheck =
    (spec: Record<string, unknown>): FieldCheck =>
    (path, value) => {
      const over = applyOverrides(spec, { [path]: value });
      if (over.issues.length) return over.issues[0]!.message;
      if (run(over.data)) return undefined;
      const found = mergeTypos(fold(run.errors ?? []).map(toIssue).filter((i): i is Issue => i !== undefined));
      const first = found.find((i) => i.path === path) ?? found[0];
      if (!first) return 'the spec would not be valid';
      return first.path === path ? first.message : `${first.path}: ${first.message}`;
    };

  return {
    schema,
    validate(data, source) {
      const copy = structuredClone(data);
      if (run(copy)) {
        const { $schema: _ignored, ...rest } = copy as Record<string, unknown>;
        const searchIssues = checkSearch(rest as unknown as ResolvedModelSpec, fieldCheck(rest));
        if (searchIssues.length) return { ok: false, issues: searchIssues.map((i) => ({ ...i, ...locOf(source, i.path) })) };
        return { ok: true, spec: deepFreeze(rest) as unknown as ResolvedModelSpec, issues: [] };
      }
      const all = mergeTypos(
        fold(run.errors ?? [])
          .map(toIssue)
          .filter((i): i is Issue => i !== undefined),
      );
      // Locating costs a walk per issue: locate the ones that will be shown, count the rest.
      const hidden = Math.max(0, all.length - MAX_ISSUES);
      const issues = all.slice(0, MAX_ISSUES).map((i) => {
        const parts = i.path.split('.');
        let loc;
        if (i.code === 'unknown-field') loc = source?.locate(parts.slice(0, -1).join('.'), parts[parts.length - 1]);
        else if (i.code === 'missing-field') {
          // Point at the key of the mapping that lacks the field (`training:`), not at its first child.
          const parent = parts.slice(0, -1);
          loc = parent.length ? source?.locate(parent.slice(0, -1).join('.'), parent[parent.length - 1]) : source?.locate('');
        } else loc = source?.locate(i.path);
        return loc ? { ...i, loc } : i;
      });
      const unique = dedupe(issues);
      if (hidden) unique.push(issue('too-many-issues', '', `... and ${hidden} more problem${hidden > 1 ? 's' : ''} (fix these first)`, { loc: unique[unique.length - 1]!.loc ?? { file: source?.file ?? 'spec', line: 1, col: 1 } }));
      return { ok: false, issues: unique };
    },
  };
}

const locOf = (source: ParsedSource | undefined, path: string) => {
  const loc = source?.locate(path);
  return loc ? { loc } : {};
};

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.code}|${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

import { stringify } from 'yaml';
import type { Plugin } from '../registry/registry.js';

/**
 * What the spec schema carries for editors (yaml-language-server, VS Code)
 * besides validation: Markdown on hover and in completion items, snippets for
 * every kind, and "did you mean" diagnostics. All of it is derived from the
 * schema itself (descriptions, defaults, examples, the kinds' `keras`), so
 * plugin kinds get it too. None of it changes what validates: `forValidation`
 * strips it before Ajv compiles the schema.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keywords only editors read; Ajv (strict) would reject them. */
const EDITOR_KEYWORDS = ['markdownDescription', 'markdownEnumDescriptions', 'enumDescriptions', 'defaultSnippets', 'errorMessage'];
/** Marks the did-you-mean subschemas, which are real validation keywords (`if`/`then`) and must not reach Ajv. */
const HINT = 'modelspec: editor hint (did you mean)';
/** Maps whose keys are names, not keywords. */
const NAME_MAPS = new Set(['properties', '$defs', 'patternProperties']);
/** Keywords whose values are data, not schemas. */
const VALUE_KEYWORDS = new Set(['default', 'examples', 'const', 'enum', 'defaultSnippets']);

/** A value as it reads in a spec: `relu`, `0.2`, `[28, 28]`, `{ type: l2 }`. */
export function yamlInline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(yamlInline).join(', ')}]`;
  if (isObj(v)) return Object.keys(v).length ? `{ ${Object.entries(v).map(([k, x]) => `${k}: ${yamlInline(x)}`).join(', ')} }` : '{}';
  return stringify(v, { lineWidth: 0 }).trim();
}

/** Markdown for a field: its description, then whether it is required or its default. */
export function fieldMarkdown(schema: object, required: boolean, context?: string): string {
  const field = schema as Json;
  const parts = [String(field['description'] ?? '')];
  if (required) parts.push('Required.');
  else if ('default' in field) parts.push(`Default: \`${yamlInline(field['default'])}\``);
  if (context) parts.push(context);
  return parts.filter(Boolean).join('\n\n');
}

/** "`dense` layer · Keras `tf.keras.layers.Dense`": what a kind's fields point back to. */
export const kindLine = (p: Plugin, noun: string) => `\`${p.type}\` ${noun}${p.keras ? ` · Keras \`${p.keras}\`` : ''}`;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** Markdown for a kind's `type` value: what it is, its Keras equivalent, and its fields with their defaults. */
export function kindMarkdown(p: Plugin, noun: string, schema: object): string {
  const params = schema as Json;
  const required = new Set((params['required'] as string[] | undefined) ?? []);
  const props = (Object.entries((params['properties'] as Json | undefined) ?? {}) as [string, Json][]).filter(([k]) => k !== 'type');
  const rows = props.map(([k, f]) => `| \`${k}\` | ${required.has(k) ? '**required**' : 'default' in f ? `\`${cell(yamlInline(f['default']))}\`` : ''} | ${cell(String(f['description'] ?? ''))} |`);
  const head = `**\`${p.type}\`** ${noun}${p.keras ? ` · Keras \`${p.keras}\`` : ''}`;
  return [head, p.description, rows.length ? ['| field | default | |', '|---|---|---|', ...rows].join('\n') : ''].filter(Boolean).join('\n\n');
}

/** camelCase → snake_case: the Keras spelling of a field (`batchSize` → `batch_size`). */
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A regex for the plausible misspellings of `name`: one character deleted,
 * replaced, inserted or two swapped (Levenshtein distance 1, with
 * transpositions), or its snake_case (Keras) spelling.
 */
export function typoPattern(name: string): string {
  // Built from the end: near(c + rest) = c near(rest) | (.c?)? rest | swap(c, rest[0]) rest[1..].
  const c = [...name];
  let near = '.?';
  for (let i = c.length - 1; i >= 0; i--) {
    const rest = c.slice(i + 1);
    const swap = rest.length ? `|${esc(rest[0]! + c[i]!)}${esc(rest.slice(1).join(''))}` : '';
    near = `(?:${esc(c[i]!)}${near}|(?:.${esc(c[i]!)}?)?${esc(rest.join(''))}${swap})`;
  }
  return `^(?:${near}${snake(name) !== name ? `|${esc(snake(name))}` : ''})$`;
}

type Hints = Map<string, Json>;
const HINTS_DEF = 'did-you-mean';
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * A subschema that flags a string close to one of `names` (but not one of
 * them) with "did you mean ...": yaml-language-server shows a failed `const`'s
 * `errorMessage`. The per-name checks are shared (`$defs/did-you-mean`), since
 * the same fields and values recur in many kinds. Names shorter than 3
 * characters get no hint (too many strings are one edit away from `l1`).
 */
function didYouMean(names: string[], what: 'field' | 'value', hints: Hints): Json | undefined {
  const candidates = names.filter((n) => n.length >= 3);
  if (!candidates.length) return undefined;
  for (const n of candidates) {
    const key = `${what}:${n}`;
    if (!hints.has(key)) {
      const message = what === 'field' ? `Unknown field: did you mean "${n}"?` : `Unknown value: did you mean "${n}"?`;
      hints.set(key, { if: { pattern: typoPattern(n) }, then: { const: n, errorMessage: message } });
    }
  }
  return {
    $comment: HINT,
    if: { type: 'string', not: { enum: names } },
    then: { allOf: candidates.map((n) => ({ $ref: `#/$defs/${HINTS_DEF}/$defs/${pointer(`${what}:${n}`)}` })) },
  };
}

/** Escapes snippet syntax (`$`, `}`, `\`) in a placeholder's text. */
const snippetText = (s: string) => s.replace(/[$}\\]/g, '\\$&');

/** A placeholder value for a field with no example or default, from its type. */
function guess(key: string, f: Json): unknown {
  if (Array.isArray(f['enum'])) return f['enum'][0];
  for (const alt of ['anyOf', 'oneOf'] as const) if (Array.isArray(f[alt]) && f[alt].length) return guess(key, f[alt][0] as Json);
  switch (f['type']) {
    case 'integer':
    case 'number':
      return typeof f['minimum'] === 'number' ? f['minimum'] : typeof f['exclusiveMinimum'] === 'number' ? f['exclusiveMinimum'] + 1 : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'string':
      return key;
    default:
      return null;
  }
}

/**
 * The smallest useful instance of one branch of a union: `type`, then every
 * required field and every field that has `examples`, each with its first
 * example (else its default, else a guess from its type). `modelspec init`
 * fills datasets and validation schemes with it; snippets are made from it.
 */
export function exampleBody(branch: Json): Json {
  const props = (branch['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((branch['required'] as string[] | undefined) ?? []);
  const body: Json = { type: (props['type'] ?? {})['const'] };
  for (const [k, f] of Object.entries(props)) {
    if (k === 'type' || !(required.has(k) || Array.isArray(f['examples']))) continue;
    body[k] = Array.isArray(f['examples']) && f['examples'].length ? f['examples'][0] : 'default' in f ? f['default'] : guess(k, f);
  }
  return body;
}

/**
 * A snippet body: the example with each value a tab stop. Lists of mappings
 * and mappings stay structures (yaml-language-server writes them in block
 * style), their scalars and scalar lists becoming the tab stops.
 */
export function snippetBody(branch: Json): Json {
  let stop = 0;
  const stops = (v: unknown): unknown => {
    if (Array.isArray(v) && v.some(isObj)) return v.map(stops);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'type' ? x : stops(x)]));
    return `\${${++stop}:${snippetText(yamlInline(v))}}`;
  };
  return stops(exampleBody(branch)) as Json;
}

/** One snippet per kind of a union, labelled with the name the union is found under (`dense layer`, `adam optimizer`). */
function snippets(union: Json, noun: string): Json[] {
  return (union['oneOf'] as Json[]).flatMap((b) => {
    const t = ((b['properties'] as Json | undefined)?.['type'] as Json | undefined)?.['const'];
    if (typeof t !== 'string') return [];
    const md = ((b['properties'] as Json)['type'] as Json)['markdownDescription'] ?? b['description'] ?? ((b['properties'] as Json)['type'] as Json)['description'];
    return [{ label: `${t} ${noun}`, markdownDescription: md, body: snippetBody(b) }];
  });
}

/**
 * Adds the editor annotations to a built spec schema (a copy; the input is
 * not changed): Markdown for every described field, a snippet per kind on
 * every union discriminated on `type`, and did-you-mean hints for unknown
 * keys, misspelled kinds and enum values.
 */
export function withEditorHints(schema: Json): Json {
  const hints: Hints = new Map();
  const walk = (node: unknown, noun: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, noun));
    if (!isObj(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (VALUE_KEYWORDS.has(k)) out[k] = v;
      else if (NAME_MAPS.has(k) && isObj(v)) {
        const required = new Set((node['required'] as string[] | undefined) ?? []);
        out[k] = Object.fromEntries(
          Object.entries(v).map(([name, s]) => {
            const child = walk(s, name) as Json;
            // A kind's `type` gets the kind's Markdown below, not a field's.
            if (k === 'properties' && isObj(child) && child['description'] && !child['markdownDescription'] && !('const' in child)) {
              return [name, { ...child, markdownDescription: fieldMarkdown(child, required.has(name)) }];
            }
            return [name, child];
          }),
        );
      } else out[k] = walk(v, noun);
    }
    const props = out['properties'];
    if (isObj(props) && out['additionalProperties'] === false) {
      const names = Object.keys(props);
      const hint = didYouMean(names, 'field', hints);
      if (hint) out['propertyNames'] = hint;
    }
    if (out['discriminator'] && Array.isArray(out['oneOf'])) {
      for (const b of out['oneOf'] as Json[]) {
        const t = (b['properties'] as Json | undefined)?.['type'];
        if (isObj(t) && typeof t['const'] === 'string' && !t['markdownDescription']) {
          t['markdownDescription'] = kindMarkdown({ type: t['const'], description: String(t['description'] ?? b['description'] ?? '') }, noun, b);
        }
      }
      out['defaultSnippets'] = snippets(out, noun);
      const types = (out['oneOf'] as Json[]).map((b) => ((b['properties'] as Json)['type'] as Json)['const']).filter((t): t is string => typeof t === 'string');
      const base = isObj(props) && isObj(props['type']) ? props['type'] : undefined;
      const hint = didYouMean(types, 'value', hints);
      if (base && hint) (props as Json)['type'] = { ...base, allOf: [hint] };
    }
    if (Array.isArray(out['enum']) && out['enum'].every((e) => typeof e === 'string') && !out['allOf']) {
      const hint = didYouMean(out['enum'] as string[], 'value', hints);
      if (hint) out['allOf'] = [hint];
    }
    return out;
  };
  let out = walk(schema, 'spec') as Json;
  // A spec that `extends` another is partial: the base brings the required fields (Ajv sees the merged spec).
  if (Array.isArray(out['required']) && isObj(out['properties']) && 'extends' in out['properties']) {
    out = Object.fromEntries(
      Object.entries(out).flatMap(([k, v]) => (k === 'required' ? [['if', { $comment: HINT, required: ['extends'] }], ['else', { required: v }]] : [[k, v]])),
    );
  }
  const defs = (out['$defs'] ?? {}) as Json;
  out['$defs'] = { ...defs, [HINTS_DEF]: { $comment: HINT, $defs: Object.fromEntries([...hints].sort(([a], [b]) => a.localeCompare(b))) } };
  return out;
}

/** The schema Ajv compiles: the same, without what only editors read. */
export function forValidation(schema: Json): Json {
  const walk = (node: unknown, names = false): unknown => {
    if (Array.isArray(node)) return node.filter((n) => !(isObj(n) && n['$comment'] === HINT)).map((n) => walk(n));
    if (!isObj(node)) return node;
    const out: Json = {};
    const partial = isObj(node['if']) && node['if']['$comment'] === HINT;
    for (const [k, v] of Object.entries(node)) {
      if (partial && k === 'if') out['required'] = (node['else'] as Json)['required'];
      if (partial && (k === 'if' || k === 'else')) continue;
      if (names) {
        if (!(isObj(v) && v['$comment'] === HINT)) out[k] = walk(v);
      } else if (VALUE_KEYWORDS.has(k) && k !== 'defaultSnippets') out[k] = v;
      else if (EDITOR_KEYWORDS.includes(k) || (isObj(v) && v['$comment'] === HINT)) continue;
      else if (k === 'allOf' && Array.isArray(v) && v.every((s) => isObj(s) && s['$comment'] === HINT)) continue;
      else out[k] = walk(v, NAME_MAPS.has(k));
    }
    return out;
  };
  return walk(schema) as Json;
}

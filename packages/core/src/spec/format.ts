import { Document, isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, type Node, type ScalarTag, type Tags, type ToStringOptions } from 'yaml';
import { stringTag } from 'yaml/util';
import type { Issue } from '../errors.js';
import { parseSpecText } from './parse.js';
import { yamlInline } from './editor.js';

/**
 * `modelspec fmt`: one layout for every spec, so hand-edited specs do not
 * drift and editors can complete everywhere.
 *
 * - Keys follow the schema's order (a kind's `type` first, then its fields as
 *   the kind declares them); keys the schema does not know keep their order,
 *   after the known ones.
 * - Mappings are block style: yaml-language-server completes nothing inside a
 *   flow mapping (`{ type: dense, units: 128 }`), so a spec in flow style gets
 *   no help where it is edited most. Lists of scalars stay on one line
 *   (`shape: [28, 28]`) when they fit.
 * - Comments, the `# yaml-language-server: $schema=...` modeline, blank lines
 *   and each string's quoting are kept; only block scalars (`>-`) are
 *   re-wrapped, at 100 columns. Other strings are never folded.
 *
 * The data is unchanged: a test checks that every spec in specs/ resolves to
 * the same spec before and after.
 */

export const FORMAT_LINE_WIDTH = 100;
const STRINGIFY: ToStringOptions = { lineWidth: FORMAT_LINE_WIDTH, flowCollectionPadding: false, indentSeq: true };

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; issues: Issue[] };

/** Follows `#/$defs/...` pointers within the schema. */
function deref(root: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObj(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isObj(node) ? node : undefined;
}

/** Only what the spec schema's `if`s test: the JSON type of the value. */
function typeMatches(cond: Json, value: unknown): boolean {
  const t = cond['type'];
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  return t === undefined || t === actual || (Array.isArray(t) && t.includes(actual));
}

/**
 * The schema that describes `value` (shallow: `type` of a mapping is all it
 * looks at), through `$ref`, if/then/else, the discriminated unions on `type`
 * and anyOf. Undefined when the schema says nothing (an unknown key).
 */
function resolve(root: Json, schema: Json | undefined, value: unknown): Json | undefined {
  let s = schema;
  for (let hops = 0; s && hops < 32; hops++) {
    if (typeof s['$ref'] === 'string') s = deref(root, s['$ref']);
    // if/then/else choosing between shapes (`X | null`, a name or a mapping); a schema with its own properties only adds conditions.
    else if (isObj(s['if']) && !isObj(s['properties'])) s = (typeMatches(s['if'], value) ? s['then'] : s['else']) as Json | undefined;
    else if (Array.isArray(s['oneOf']) && isObj(s['discriminator'])) {
      const t = isObj(value) ? value['type'] : undefined;
      const branch = (s['oneOf'] as Json[]).find((b) => ((b['properties'] as Json | undefined)?.['type'] as Json | undefined)?.['const'] === t);
      if (!branch) return s;
      s = branch;
    } else if (Array.isArray(s['anyOf'])) s = (s['anyOf'] as Json[]).find((a) => typeMatches(a, value));
    else return s;
  }
  return s;
}

/** What `resolve` needs to know of a YAML node: its kind, and a mapping's `type`. */
function shallow(node: unknown): unknown {
  if (isMap(node)) {
    const t = node.items.find((p) => isScalar(p.key) && p.key.value === 'type');
    return { type: t && isScalar(t.value) ? t.value.value : undefined };
  }
  if (isSeq(node)) return [];
  return isScalar(node) ? node.value : undefined;
}

const propertyOrder = (s: Json | undefined): string[] => (isObj(s?.['properties']) ? Object.keys(s['properties']) : []);

function childSchema(s: Json | undefined, key: string): Json | undefined {
  const props = s?.['properties'];
  return isObj(props) && isObj(props[key]) ? props[key] : undefined;
}

function itemSchema(s: Json | undefined, index: number): Json | undefined {
  const prefix = s?.['prefixItems'];
  if (Array.isArray(prefix) && isObj(prefix[index])) return prefix[index];
  return isObj(s?.['items']) ? s['items'] : undefined;
}

/** Sorts keys by their place in `order`; unknown keys last, in their own order (the sort is stable). */
function byOrder<T>(items: T[], keyOf: (t: T) => string | undefined, order: string[]): T[] {
  const rank = (t: T) => {
    const i = order.indexOf(keyOf(t) ?? '');
    return i < 0 ? order.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

const join = (a: string, b: string | null | undefined) => (b ? `${a}\n${b}` : a);

/** Reorders and restyles a YAML node in place. `col` is the column of the key (or `- `) that holds it. */
function restyle(root: Json, node: unknown, schema: Json | undefined, col: number, key: string): void {
  if (isAlias(node)) return;
  const s = resolve(root, schema, shallow(node));
  if (isMap(node)) {
    // The comment above a spec's first key is its header (the modeline first): it stays on top.
    const first = node.items[0]?.key;
    const header = col < 0 && isScalar(first) ? first.commentBefore : undefined;
    if (header && isScalar(first)) first.commentBefore = undefined;
    const firstPair = node.items[0];
    node.items = byOrder(node.items, (p) => (isScalar(p.key) ? String(p.key.value) : undefined), propertyOrder(s));
    const top = node.items[0]?.key;
    if (header && isScalar(top)) top.commentBefore = join(header, top.commentBefore);
    // Deeper down, a comment above the first key (yaml gives it to the mapping) describes that key: it moves with it.
    if (col >= 0 && node.commentBefore && firstPair && node.items[0] !== firstPair && isScalar(firstPair.key)) {
      firstPair.key.commentBefore = join(node.commentBefore, firstPair.key.commentBefore);
      node.commentBefore = undefined;
    }
    if (node.items.length) node.flow = false;
    for (const p of node.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      restyle(root, p.value, childSchema(s, k), col + 2, k);
    }
  } else if (isSeq(node)) {
    const scalars = node.items.every((i) => isScalar(i) && !i.comment && !i.commentBefore && !i.spaceBefore);
    // `key: [a, b]` stays on one line when it fits.
    const width = scalars ? col + key.length + 2 + yamlInline(node.items.map((i) => (i as Scalar).value)).length : Infinity;
    node.flow = scalars && (node.items.length === 0 || width <= FORMAT_LINE_WIDTH);
    node.items.forEach((item, i) => restyle(root, item, itemSchema(s, i), col + 2, ''));
  }
}

/** Block scalars wrap at the line width; plain and quoted strings are never folded onto several lines. */
function unfoldedStrings(tags: Tags): Tags {
  const str: ScalarTag = {
    ...stringTag,
    stringify(item, ctx, onComment, onChompKeep) {
      const block = (item as Scalar).type === Scalar.BLOCK_FOLDED || (item as Scalar).type === Scalar.BLOCK_LITERAL;
      return stringTag.stringify!(item, block ? ctx : { ...ctx, options: { ...ctx.options, lineWidth: 0 } }, onComment, onChompKeep);
    },
  };
  return tags.map((t) => (t === stringTag ? str : t));
}

/** JSON specs: the same key order, two-space indentation, short lists of scalars on one line. */
function formatJson(root: Json, value: unknown, schema: Json | undefined, indent: string): string {
  const s = resolve(root, schema, value);
  if (Array.isArray(value)) {
    const inline = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (value.every((v) => v === null || typeof v !== 'object') && indent.length + inline.length <= FORMAT_LINE_WIDTH) return inline;
    const inner = indent + '  ';
    return `[\n${value.map((v, i) => inner + formatJson(root, v, itemSchema(s, i), inner)).join(',\n')}\n${indent}]`;
  }
  if (isObj(value)) {
    const keys = byOrder(Object.keys(value), (k) => k, propertyOrder(s));
    if (!keys.length) return '{}';
    const inner = indent + '  ';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${formatJson(root, value[k], childSchema(s, k), inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * Formats spec text (YAML, or JSON when `file` ends in .json) by the spec
 * schema: `buildSpecSchema(registries)`, so plugin kinds are ordered too.
 * Text that does not parse is refused with the parser's issues.
 */
export function formatSpec(text: string, file: string, schema: Json): FormatResult {
  const parsed = parseSpecText(text, file);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  let out: string;
  if (/\.json$/i.test(file)) out = formatJson(schema, parsed.source.data, schema, '') + '\n';
  else {
    const doc = parseDocument(text, { customTags: unfoldedStrings, uniqueKeys: false, merge: false });
    restyle(schema, doc.contents as Node, schema, -2, '');
    out = doc.toString(STRINGIFY);
  }
  return { ok: true, text: out, changed: out !== text };
}

/**
 * A new spec's text in the same layout (for `modelspec init`): YAML with
 * `header` as its first comment lines (the modeline first), or JSON when
 * `file` ends in .json.
 */
export function writeSpec(data: Json, file: string, schema: Json, header: string[] = []): string {
  if (/\.json$/i.test(file)) return formatJson(schema, data, schema, '') + '\n';
  const doc = new Document(data, { customTags: unfoldedStrings });
  restyle(schema, doc.contents, schema, -2, '');
  const first = isMap(doc.contents) ? doc.contents.items[0]?.key : undefined;
  if (header.length && isScalar(first)) first.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString(STRINGIFY);
}

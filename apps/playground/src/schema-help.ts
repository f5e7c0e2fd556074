/**
 * Completion and hover from the spec's JSON Schema (the one built from the
 * registries), for block YAML as the specs in specs/ are written and the flow
 * mappings of list items (`- { type: dense, units: 10 }`). The discriminator
 * on `type` picks the branch, so a `dense` layer offers `units`, not `filters`.
 */
import { parseDocument } from 'yaml';

type Schema = Record<string, unknown>;
type Seg = string | number;

const isObj = (v: unknown): v is Schema => !!v && typeof v === 'object' && !Array.isArray(v);

export interface Suggestion {
  label: string;
  /** What is inserted. */
  apply: string;
  detail: string;
  info: string;
  kind: 'property' | 'value';
}

export class SchemaHelp {
  constructor(private readonly root: Schema) {}

  private deref(s: unknown): Schema {
    let cur = s;
    for (let i = 0; i < 20 && isObj(cur) && typeof cur['$ref'] === 'string'; i++) {
      const ref = cur['$ref'] as string;
      if (!ref.startsWith('#/')) break;
      cur = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((n, k) => (isObj(n) ? n[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), this.root);
    }
    return isObj(cur) ? cur : {};
  }

  /** The alternatives a value may take here: oneOf branches (by `type` when the data names one), anyOf members. */
  private alternatives(s: Schema, data: unknown): Schema[] {
    const d = this.deref(s);
    const out: Schema[] = [d];
    const oneOf = (d['oneOf'] ?? []) as unknown[];
    if (oneOf.length) {
      const branches = oneOf.map((b) => this.deref(b));
      const t = isObj(data) ? data['type'] : undefined;
      const chosen = typeof t === 'string' ? branches.filter((b) => this.typeConst(b) === t) : [];
      out.push(...(chosen.length ? chosen : typeof t === 'string' ? [] : branches));
    }
    for (const a of (d['anyOf'] ?? []) as unknown[]) out.push(...this.alternatives(a as Schema, data));
    for (const a of (d['allOf'] ?? []) as unknown[]) if (isObj(a) && !a['$comment']) out.push(this.deref(a));
    return out;
  }

  private typeConst(b: Schema): string | undefined {
    const t = this.deref((b['properties'] as Schema | undefined)?.['type']);
    return typeof t['const'] === 'string' ? t['const'] : undefined;
  }

  /** The schemas at `path` in `data` (several when the path goes through undecided branches). */
  at(path: readonly Seg[], data: unknown): Schema[] {
    let here: { s: Schema; d: unknown }[] = [{ s: this.root, d: data }];
    for (const seg of path) {
      const next: { s: Schema; d: unknown }[] = [];
      for (const { s, d } of here) {
        for (const alt of this.alternatives(s, d)) {
          const child = typeof seg === 'number' ? (alt['prefixItems'] as unknown[] | undefined)?.[seg] ?? alt['items'] : (alt['properties'] as Schema | undefined)?.[seg];
          if (child !== undefined) next.push({ s: this.deref(child), d: isObj(d) || Array.isArray(d) ? (d as Record<string | number, unknown>)[seg] : undefined });
          else if (typeof seg === 'string' && isObj(alt['additionalProperties'])) next.push({ s: this.deref(alt['additionalProperties']), d: undefined });
        }
      }
      here = next;
      if (!here.length) return [];
    }
    return here.map((h) => h.s);
  }

  private static describe(s: Schema): string {
    const md = s['markdownDescription'] ?? s['description'];
    return typeof md === 'string' ? md : '';
  }

  /** The fields a mapping at `path` may have, minus those it has. */
  properties(path: readonly Seg[], data: unknown, present: readonly string[]): Suggestion[] {
    const mapData = path.reduce<unknown>((d, k) => (isObj(d) || Array.isArray(d) ? (d as Record<string | number, unknown>)[k] : undefined), data);
    const seen = new Map<string, Suggestion>();
    for (const s of this.at(path, data)) {
      for (const alt of this.alternatives(s, mapData)) {
        for (const [k, v] of Object.entries((alt['properties'] ?? {}) as Schema)) {
          if (present.includes(k) || seen.has(k) || k === '$schema') continue;
          const p = this.deref(v);
          const def = p['default'] !== undefined ? ` (default ${JSON.stringify(p['default'])})` : '';
          seen.set(k, { label: k, apply: `${k}: `, detail: `${String(p['type'] ?? '')}${def}`, info: SchemaHelp.describe(p), kind: 'property' });
        }
      }
    }
    return [...seen.values()];
  }

  /** The values a scalar at `path` may take: `type` names, enums, consts, booleans. */
  values(path: readonly Seg[], data: unknown): Suggestion[] {
    const out = new Map<string, Suggestion>();
    const last = path[path.length - 1];
    if (last === 'type') {
      const parentData = path.slice(0, -1).reduce<unknown>((d, k) => (isObj(d) || Array.isArray(d) ? (d as Record<string | number, unknown>)[k] : undefined), data);
      for (const s of this.at(path.slice(0, -1), data)) {
        for (const b of ((this.deref(s)['oneOf'] ?? []) as unknown[]).map((x) => this.deref(x))) {
          const t = this.typeConst(b);
          if (t) out.set(t, { label: t, apply: t, detail: 'type', info: SchemaHelp.describe(this.deref((b['properties'] as Schema)['type'])) || SchemaHelp.describe(b), kind: 'value' });
        }
      }
      void parentData;
    }
    for (const s of this.at(path, data)) {
      for (const alt of [s, ...this.alternatives(s, undefined)]) {
        for (const e of (alt['enum'] ?? []) as unknown[]) out.set(String(e), { label: String(e), apply: String(e), detail: 'value', info: SchemaHelp.describe(s), kind: 'value' });
        if (alt['const'] !== undefined && last !== 'type') out.set(String(alt['const']), { label: String(alt['const']), apply: String(alt['const']), detail: 'value', info: SchemaHelp.describe(alt), kind: 'value' });
        if (alt['type'] === 'boolean') for (const b of ['true', 'false']) out.set(b, { label: b, apply: b, detail: 'boolean', info: SchemaHelp.describe(s), kind: 'value' });
      }
    }
    return [...out.values()];
  }

  /** What the field or `type` value at `path` is, for hover. */
  hover(path: readonly Seg[], data: unknown, value?: string): string | null {
    if (path[path.length - 1] === 'type' && value) {
      const v = this.values(path, data).find((s) => s.label === value);
      if (v?.info) return v.info;
    }
    const texts = [...new Set(this.at(path, data).map((s) => SchemaHelp.describe(s)).filter(Boolean))];
    return texts.length ? texts.join('\n\n') : null;
  }
}

export interface YamlContext {
  /** The path of the mapping the cursor is in (completing a key), or of the value (completing a value). */
  path: Seg[];
  kind: 'key' | 'value';
  /** Keys already in that mapping. */
  present: string[];
  /** Where the word being completed starts (offset in the document). */
  from: number;
  data: unknown;
}

/** The document as data, as far as it parses (a half-typed line makes the rest of it no worse). */
export function yamlData(text: string): unknown {
  try {
    return parseDocument(text, { strict: false, uniqueKeys: false }).toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

const KEY_LINE = /^(\s*)((?:- +)*)([A-Za-z_$][\w$]*)?\s*(?::\s*(.*))?$/;

interface Line {
  lead: number;
  /** Where the content starts: after `- ` when the line is a list item. */
  content: number;
  dash: boolean;
  key: string | null;
}

function lineInfo(l: string): Line | null {
  if (!l.trim() || l.trim().startsWith('#')) return null;
  const m = /^(\s*)((?:-\s+)?)(?:([A-Za-z_$][\w$]*)\s*:(?:\s|$))?/.exec(l)!;
  return { lead: m[1]!.length, content: m[1]!.length + m[2]!.length, dash: m[2]!.length > 0, key: m[3] ?? null };
}

/** The index of the list item at line i (items at the same column above it, up to the list's start). */
function itemIndex(lines: string[], i: number, lead: number): number {
  let n = 0;
  for (let j = i - 1; j >= 0; j--) {
    const x = lineInfo(lines[j]!);
    if (!x) continue;
    if (x.lead < lead || (x.lead === lead && !x.dash)) break;
    if (x.lead === lead && x.dash) n++;
  }
  return n;
}

/**
 * The YAML path of the mapping whose keys start at column `col` on line
 * `lineNo` (block style): the keys and list indexes of the lines above with
 * less indentation, as a reader follows the indentation.
 */
function blockPath(lines: string[], lineNo: number, col: number): { path: Seg[]; present: string[] } {
  const path: Seg[] = [];
  const present: string[] = [];
  // the mapping's other keys, above and below
  for (const dir of [-1, 1]) {
    for (let j = lineNo + dir; j >= 0 && j < lines.length; j += dir) {
      const x = lineInfo(lines[j]!);
      if (!x) continue;
      if (x.content === col && x.key) present.push(x.key);
      if (x.lead < col || (dir === -1 && x.dash && x.content === col)) break;
      if (dir === 1 && x.dash && x.lead === col) break;
    }
  }
  const cur = lineInfo(lines[lineNo] ?? '');
  let c = col;
  if (cur?.dash && cur.content === col) {
    path.unshift(itemIndex(lines, lineNo, cur.lead));
    c = cur.lead;
  }
  for (let i = lineNo - 1; i >= 0 && c > 0; i--) {
    const x = lineInfo(lines[i]!);
    if (!x || x.lead >= c) continue;
    if (x.dash && x.content < c && x.key) {
      // `- key:` whose block holds us: the key, then the item
      path.unshift(x.key);
      path.unshift(itemIndex(lines, i, x.lead));
      c = x.lead;
    } else if (x.dash && x.content <= c) {
      path.unshift(itemIndex(lines, i, x.lead));
      c = x.lead;
    } else if (!x.dash && x.key) {
      path.unshift(x.key);
      c = x.lead;
    }
  }
  // a list at the same column as its key (`layers:` then `- type: ...` unindented)
  return { path, present };
}

/** Where the cursor is in a YAML spec: completing a key of some mapping, or the value of some key. */
export function yamlContext(text: string, pos: number): YamlContext | null {
  const before = text.slice(0, pos);
  const lines = text.split('\n');
  const lineNo = before.split('\n').length - 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  const head = before.slice(lineStart);
  const data = yamlData(text);

  // inside a flow mapping on this line: `- { type: dense, un|`
  const brace = head.lastIndexOf('{');
  if (brace >= 0 && head.indexOf('}', brace) < 0) {
    const outer = head.slice(0, brace);
    const m = /^(\s*)((?:- +)?)([A-Za-z_$][\w$]*)?\s*:?/.exec(outer)!;
    const indent = m[1]!.length + m[2]!.length;
    const base = blockPath(lines, lineNo, indent);
    const path = [...base.path];
    if (m[3]) path.push(m[3]);
    else if (m[2]) {
      // `- {`: the list item, counted like blockPath does
      const lead = m[1]!.length;
      let n = 0;
      for (let j = lineNo - 1; j >= 0; j--) {
        const lj = lines[j]!;
        if (!lj.trim()) continue;
        const l2 = /^(\s*)/.exec(lj)![1]!.length;
        if (l2 < lead) break;
        if (l2 === lead && lj.slice(lead).startsWith('-')) n++;
      }
      path.splice(path.length - (typeof path[path.length - 1] === 'number' ? 1 : 0), typeof path[path.length - 1] === 'number' ? 1 : 0, n);
    }
    const inner = head.slice(brace + 1);
    const seg = inner.split(',').pop()!;
    const present = inner.split(',').slice(0, -1).map((p) => p.split(':')[0]!.trim()).filter(Boolean);
    const kv = /^\s*([A-Za-z_$][\w$]*)\s*:\s*([\w.-]*)$/.exec(seg);
    if (kv) return { path: [...path, kv[1]!], kind: 'value', present, from: pos - kv[2]!.length, data };
    const k = /^\s*([\w$]*)$/.exec(seg);
    if (k) return { path, kind: 'key', present, from: pos - k[1]!.length, data };
    return null;
  }

  const m = KEY_LINE.exec(head);
  if (!m) return null;
  const indent = m[1]!.length + m[2]!.length;
  const { path, present } = blockPath(lines, lineNo, indent);
  if (m[2]) {
    // `- key`: a mapping inside a list item; the item's index is the last path element blockPath found
  }
  if (m[4] !== undefined) {
    const value = /[\w.-]*$/.exec(m[4])![0];
    if (/^[\w.-]*$/.test(m[4].trim()) || m[4].trim() === '') return { path: [...path, m[3] ?? ''], kind: 'value', present, from: pos - value.length, data };
    return null;
  }
  return { path, kind: 'key', present, from: pos - (m[3]?.length ?? 0), data };
}

/** The key or `type` value under the cursor, with its path, for hover. */
export function yamlWordAt(text: string, pos: number): { path: Seg[]; value?: string; from: number; to: number } | null {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  let lineEnd = text.indexOf('\n', pos);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const col = pos - lineStart;
  const re = /[A-Za-z_$][\w$]*/g;
  let w: RegExpExecArray | null;
  while ((w = re.exec(line))) {
    if (col < w.index || col > w.index + w[0].length) continue;
    const after = line.slice(w.index + w[0].length);
    const from = lineStart + w.index;
    const to = from + w[0].length;
    if (/^\s*:/.test(after)) {
      const ctx = yamlContext(text, to);
      if (ctx) return { path: ctx.kind === 'key' ? [...ctx.path, w[0]] : ctx.path, from, to };
    } else {
      const ctx = yamlContext(text, to);
      if (ctx?.kind === 'value') return { path: ctx.path, value: w[0], from, to };
    }
    return null;
  }
  return null;
}

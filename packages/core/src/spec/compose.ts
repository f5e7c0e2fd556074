import { issue, type Issue, type SourceLocation } from '../errors.js';
import { parseSpecText, type ParsedSource } from './parse.js';

/** Reads the spec a spec `extends`, resolving its path against the extending file. */
export type SpecReader = (path: string, fromFile: string) => Promise<{ text: string; file: string }>;

const MAX_EXTENDS_DEPTH = 8;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Deep merge for spec composition: mappings merge key by key, lists and
 * scalars replace, and a mapping whose `type` changes is replaced whole (a
 * csv dataset's `train` path must not leak into an mnist dataset).
 */
export function mergeSpecs(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return structuredClone(over);
  if ('type' in over && over['type'] !== base['type']) return structuredClone(over);
  const out: Obj = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeSpecs(out[k], v) : structuredClone(v);
  return out;
}

function has(data: unknown, parts: string[]): boolean {
  let node = data;
  for (const p of parts) {
    if (Array.isArray(node)) node = node[Number(p)];
    else if (isObj(node)) node = node[p];
    else return false;
    if (node === undefined) return false;
  }
  return true;
}

/** Locations come from the file that provided the value: the extending one first, then its bases. */
function layered(child: ParsedSource, base: ParsedSource, data: unknown): ParsedSource {
  return {
    file: child.file,
    data,
    locate(path: string, keyOf?: string): SourceLocation | undefined {
      const parts = path === '' ? [] : path.split('.');
      const inChild = has(child.data, keyOf !== undefined ? [...parts, keyOf] : parts);
      const inBase = has(base.data, keyOf !== undefined ? [...parts, keyOf] : parts);
      return inChild || !inBase ? child.locate(path, keyOf) : base.locate(path, keyOf);
    },
  };
}

/**
 * Parses a spec and everything it `extends` (a chain, at most 8 deep, no
 * cycles), merging each over its base. `extends` itself is removed.
 */
export async function composeSpec(text: string, file: string, read: SpecReader, seen: string[] = []): Promise<{ ok: true; source: ParsedSource } | { ok: false; issues: Issue[] }> {
  const parsed = parseSpecText(text, file);
  if (!parsed.ok) return parsed;
  const data = parsed.source.data as Obj;
  const ext = data['extends'];
  if (ext === undefined) return parsed;
  const at = parsed.source.locate('extends');
  const fail = (code: string, message: string, hint?: string) => ({ ok: false as const, issues: [issue(code, 'extends', message, { loc: at, ...(hint ? { hint } : {}) })] });
  if (typeof ext !== 'string' || ext === '') return fail('wrong-type', 'extends must be the path of another spec file');
  if (seen.length >= MAX_EXTENDS_DEPTH) return fail('extends-depth', `extends chains at most ${MAX_EXTENDS_DEPTH} specs deep`);
  let base: { text: string; file: string };
  try {
    base = await read(ext, file);
  } catch (e) {
    return fail('extends-unreadable', `cannot read ${ext}: ${(e as Error).message}`);
  }
  if ([...seen, file].includes(base.file)) return fail('extends-cycle', `extends forms a cycle: ${[...seen, file, base.file].join(' → ')}`);
  const composedBase = await composeSpec(base.text, base.file, read, [...seen, file]);
  if (!composedBase.ok) return composedBase;
  const { extends: _e, ...own } = data;
  const merged = mergeSpecs(composedBase.source.data, own);
  return { ok: true, source: layered(parsed.source, composedBase.source, merged) };
}

import { issue, ModelspecError, type Issue, type SourceLocation } from '../errors.js';
import { sortIssues } from '../render.js';
import { parseSpecText, type ParsedSource } from './parse.js';

/**
 * Reads the spec a spec `extends`, resolving its path against the extending
 * file. The reader owns the file-system rules (the CLI's keeps bases inside the
 * spec's project); it refuses by throwing, a `ModelspecError` to give the
 * issue its code and hint. The message must not quote the refused file.
 */
export type SpecReader = (path: string, fromFile: string) => Promise<{ text: string; file: string }>;

/** What a base may be named: a spec file, never an arbitrary one (`.env`, `id_rsa`, `/etc/passwd`). */
export const SPEC_FILE = /\.(ya?ml|json)$/i;

/**
 * What a base that cannot be read as a spec is told, by issue code: no words
 * of its own. A base is another file; when it is not the spec it was meant to
 * be (a config, a key file), its content must not travel into error output.
 */
const BASE_PROBLEMS: Record<string, string> = {
  syntax: 'a syntax error',
  'too-large': 'the file is too large for a spec',
  'too-deep': 'nesting too deep for a spec',
  'alias-limit': 'too many aliases',
  'forbidden-key': 'a forbidden key (__proto__, constructor or prototype)',
  'duplicate-key': 'a duplicate key',
  'not-a-mapping': 'not a mapping of spec fields',
};

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
 *
 * A base is named with a .yaml, .yml or .json path and must be a spec (a
 * mapping with `specVersion`, or that extends another); a base that does not
 * parse is reported at its own file:line:col without quoting its text. Where
 * a base may live is the reader's rule (see `SpecReader`).
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
  if (!SPEC_FILE.test(ext)) return fail('extends-not-spec', `extends names a spec file (.yaml, .yml or .json), got ${JSON.stringify(ext.slice(0, 80))}`);
  if (seen.length >= MAX_EXTENDS_DEPTH) return fail('extends-depth', `extends chains at most ${MAX_EXTENDS_DEPTH} specs deep`);
  let base: { text: string; file: string };
  try {
    base = await read(ext, file);
  } catch (e) {
    const err = e as { code?: unknown; hint?: unknown; message?: unknown };
    const code = e instanceof ModelspecError ? e.code : 'extends-unreadable';
    return fail(code, `cannot read ${ext}: ${String(err.message ?? e)}`, typeof err.hint === 'string' ? err.hint : undefined);
  }
  if ([...seen, file].includes(base.file)) return fail('extends-cycle', `extends forms a cycle: ${[...seen, file, base.file].join(' → ')}`);
  const baseParsed = parseSpecText(base.text, base.file);
  if (!baseParsed.ok) {
    // One problem, located in the base, in words of our own: never a quote of the base's text.
    const first = sortIssues(baseParsed.issues.filter((i) => i.severity === 'error'))[0]!;
    const where = at ? ` (extended by ${at.file}:${at.line}:${at.col})` : '';
    return { ok: false, issues: [issue(first.code, '', `this file${where} cannot be read as a spec: ${BASE_PROBLEMS[first.code] ?? 'it does not parse'}`, { loc: first.loc ?? { file: base.file, line: 1, col: 1 } })] };
  }
  const baseData = baseParsed.source.data as Obj;
  if (!('specVersion' in baseData) && !('extends' in baseData)) {
    return fail('extends-not-spec', `${base.file} is not a modelspec spec: a base spec has specVersion (or extends another)`);
  }
  const composedBase = await composeSpec(base.text, base.file, read, [...seen, file]);
  if (!composedBase.ok) return composedBase;
  const { extends: _e, ...own } = data;
  const merged = mergeSpecs(composedBase.source.data, own);
  return { ok: true, source: layered(parsed.source, composedBase.source, merged) };
}

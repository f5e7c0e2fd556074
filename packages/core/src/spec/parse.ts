import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { issue, type Issue, type SourceLocation } from '../errors.js';
import { jsonSyntaxError, lineCol } from './json-syntax.js';

/** Limits that keep a hostile spec from hurting the process. A spec is data, never code. */
export const PARSE_LIMITS = {
  /** Bytes. The largest real spec is a few KB; 128 KiB (some 2,000 layers) also keeps every stage of a hostile file well under a second. */
  maxBytes: 128 * 1024,
  /** Nesting depth of maps and lists; checked before the YAML parser recurses. */
  maxDepth: 64,
  /** Alias expansions (`*ref`) while building the data: stops "billion laughs". */
  maxAliases: 100,
  /** Values (scalars, lists, mappings) after aliases are expanded: stops amplification that stays under the alias count. */
  maxValues: 200_000,
} as const;

/** Counts the values in parsed data, stopping once past `cap` (an explicit stack, no recursion). */
function countValues(data: unknown, cap: number): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length && n <= cap) {
    const v = stack.pop();
    n++;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return n;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Spec text turned into data, keeping the YAML document to map paths back to file:line:col. */
export interface ParsedSource {
  file: string;
  data: unknown;
  /** Source location of a spec path (`model.layers.3.units`), falling back to the nearest ancestor. */
  locate(path: string, keyOf?: string): SourceLocation | undefined;
}

export type ParseResult = { ok: true; source: ParsedSource; issues: Issue[] } | { ok: false; issues: Issue[] };

/**
 * Nesting depth estimated without recursion, so that a 5,000-deep document is
 * refused before `yaml` (which recurses and can overflow the stack) sees it.
 * Counts block indentation levels plus leading `- ` markers, and flow brackets
 * where a flow collection can start (not inside quotes, plain scalars or block
 * scalars). Tags (`!!seq`, `!local`, `!<tag:...>`) and anchors (`&a`) are
 * skipped where a value can start, so that `!!seq [[[` counts like `[[[`.
 * Returns the first place the depth passes `limit` (or the deepest place when
 * it never does). Overestimates are fine: the limit is far above real specs.
 */
export function nestingDepth(text: string, limit = Infinity): { depth: number; line: number; col: number } {
  let max = { depth: 0, line: 1, col: 1 };
  const note = (d: number, line: number, col: number) => {
    if (d > max.depth && max.depth <= limit) max = { depth: d, line, col };
  };
  let flow = 0;
  let blockScalar = -1; // indent of the key that opened a block scalar (| or >), -1 when none
  // A quoted scalar may run over lines: on the next line, the first such quote closes it. What comes
  // before it is counted as if it were structure (an overestimate); what comes after, as structure.
  let openQuote: string | null = null;
  const indents: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length && max.depth <= limit; li++) {
    const line = lines[li]!;
    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    const body = line.slice(i);
    if (blockScalar >= 0) {
      if (body.length === 0 || i > blockScalar) continue;
      blockScalar = -1;
    }
    const flowAtStart = flow;
    let markers = 0;
    if (flow === 0 && body.length > 0 && !body.startsWith('#')) {
      while (indents.length && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      for (let j = 0; body.startsWith('- ', j) || body.startsWith('? ', j) || (body[j] === '-' && j === body.length - 1); j += 2) markers++;
      note(indents.length + markers, li + 1, i + 1);
    }
    let quote: string | null = null;
    let pending: string | null = openQuote;
    let prev = ''; // the last non-space character outside quotes on this line
    for (let j = i; j < line.length; j++) {
      const c = line[j]!;
      if (pending) {
        if (c === '\\' && pending === '"') {
          j++;
          continue;
        }
        if (c === pending) {
          pending = null;
          prev = c;
          continue;
        }
      }
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      if (c === '#' && (j === 0 || line[j - 1] === ' ')) break;
      const canStart = prev === '' || prev === ':' || prev === '-' || prev === '?' || (flow > 0 && (prev === '[' || prev === '{' || prev === ','));
      if ((c === '!' || c === '&') && canStart) {
        // A tag or anchor is a node property: what follows it starts the node, so `prev` stays.
        // Verbatim tags run to `>`; the others end at a blank or a flow indicator.
        if (line.startsWith('!<', j)) {
          const end = line.indexOf('>', j);
          j = end < 0 ? line.length : end;
        } else while (j + 1 < line.length && !/[\s,[\]{}]/.test(line[j + 1]!)) j++;
        continue;
      }
      if ((c === '"' || c === "'") && canStart) quote = c;
      else if ((c === '[' || c === '{') && canStart) {
        flow++;
        note(indents.length + flow, li + 1, j + 1);
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
      prev = c;
    }
    openQuote = quote ?? pending;
    // A block scalar (| or >) starts only outside flow collections; its text is what is indented past
    // the key that holds it (`- key: |` holds it at the key's column, past the markers).
    if (flowAtStart === 0 && flow === 0 && !openQuote && /(^|[:\-?]\s+)((![^\s]*|&[^\s]+)\s+)*[|>][-+0-9]*\s*(#.*)?$/.test(body)) blockScalar = i + 2 * markers;
  }
  return max;
}

/** A RangeError from recursion (V8: "Maximum call stack size exceeded"), thrown or recorded by yaml. */
function isStackOverflow(e: unknown): boolean {
  const m = (e as { message?: unknown } | null)?.message;
  return e instanceof RangeError || (typeof m === 'string' && /call stack|too much recursion/i.test(m));
}

function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** Parses spec text (YAML or JSON: JSON is read by the YAML parser too, for locations). */
export function parseSpecText(text: string, file: string): ParseResult {
  const lc = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > PARSE_LIMITS.maxBytes) {
    return {
      ok: false,
      issues: [issue('too-large', '', `the spec is ${bytes} bytes; the limit is ${PARSE_LIMITS.maxBytes}`, { loc: { file, line: 1, col: 1 }, hint: 'a spec describes an experiment; data belongs in dataset files' })],
    };
  }
  const depth = nestingDepth(text, PARSE_LIMITS.maxDepth);
  if (depth.depth > PARSE_LIMITS.maxDepth) {
    return {
      ok: false,
      issues: [issue('too-deep', '', `nesting is deeper than ${PARSE_LIMITS.maxDepth} levels`, { loc: { file, line: depth.line, col: depth.col }, hint: 'no valid spec nests this deep' })],
    };
  }

  const isJson = /\.json$/i.test(file);
  if (isJson && text.trim() !== '') {
    // YAML reads more than JSON allows (trailing commas, comments, single quotes): a .json spec must be JSON,
    // and its syntax errors are told in JSON's terms, where they are.
    const bad = jsonSyntaxError(text);
    if (bad) return { ok: false, issues: [issue('syntax', '', `JSON syntax: ${bad.message}`, { loc: { file, ...lineCol(text, bad.offset) } })] };
  }

  // The pre-scan keeps nesting far below what overflows the stack; if yaml overflows anyway (a deep
  // call stack around us), the user gets a located issue, not "Maximum call stack size exceeded".
  const tooDeep = (loc: SourceLocation): ParseResult => ({ ok: false, issues: [issue('too-deep', '', 'nesting is too deep to read', { loc, hint: 'no valid spec nests this deep' })] });
  const deepest = { file, line: depth.line, col: depth.col };
  let doc: Document.Parsed;
  try {
    // uniqueKeys is off: yaml's own check is quadratic in the keys of a mapping; the walk below uses a Set.
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true, merge: false, keepSourceTokens: false });
  } catch (e) {
    if (isStackOverflow(e)) return tooDeep(deepest);
    return { ok: false, issues: [issue('parse-failed', '', `could not parse: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`, { loc: { file, line: 1, col: 1 } })] };
  }
  const issues: Issue[] = [];
  const overflow = doc.errors.find((err) => isStackOverflow(err));
  if (overflow) return tooDeep(at(overflow.pos[0]));
  for (const err of doc.errors) {
    let msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (/multiple documents/i.test(msg)) msg = 'a spec file holds one YAML document, but a second one starts here (---)';
    issues.push(issue('syntax', '', `${isJson ? 'JSON' : 'YAML'} syntax: ${msg}`, { loc: at(err.pos[0]) }));
    if (issues.length >= 20) break;
  }
  if (issues.length) return { ok: false, issues };

  // One pass over the tree (an explicit stack: depth is bounded above, but no recursion is needed):
  // keys that could reach Object.prototype if any consumer merged the data naively, duplicate keys,
  // and where the first alias is (for the alias-limit message).
  let firstAliasOffset = Infinity;
  const stack: { node: unknown; path: string[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length && issues.length < 20) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const keyNode = pair.key as Node | null;
        const loc = keyNode?.range ? at(keyNode.range[0]) : undefined;
        if (key !== undefined && FORBIDDEN_KEYS.has(key)) {
          issues.push(issue('forbidden-key', [...path, key].join('.'), `the key "${key}" is not allowed in a spec`, { loc }));
        }
        if (key !== undefined) {
          const first = seen.get(key);
          if (first) {
            const f = first.range ? at(first.range[0]) : undefined;
            issues.push(issue('duplicate-key', [...path, key].join('.'), `duplicate key "${key}"${f ? ` (first at line ${f.line}, column ${f.col})` : ''}: a key may appear once in a mapping`, { loc }));
          } else if (keyNode) seen.set(key, keyNode);
        }
        stack.push({ node: pair.value, path: key === undefined ? path : [...path, key] });
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => stack.push({ node: item, path: [...path, String(i)] }));
    else if (isAlias(node) && node.range) firstAliasOffset = Math.min(firstAliasOffset, node.range[0]);
  }
  const firstAlias = Number.isFinite(firstAliasOffset) ? at(firstAliasOffset) : undefined;
  if (issues.length) return { ok: false, issues: issues.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0)) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: PARSE_LIMITS.maxAliases });
  } catch (e) {
    if (isStackOverflow(e)) return tooDeep(deepest);
    const m = (e as Error).message;
    const code = /alias/i.test(m) ? 'alias-limit' : 'parse-failed';
    const loc = (code === 'alias-limit' && firstAlias) || { file, line: 1, col: 1 };
    return { ok: false, issues: [issue(code, '', code === 'alias-limit' ? `aliases (*name) expand too often (more than ${PARSE_LIMITS.maxAliases} times); a spec does not need this` : m, { loc })] };
  }
  const size = countValues(data, PARSE_LIMITS.maxValues);
  if (size > PARSE_LIMITS.maxValues) {
    return { ok: false, issues: [issue('too-large', '', `the spec expands to more than ${PARSE_LIMITS.maxValues.toLocaleString('en-US')} values${firstAlias ? ' (through aliases)' : ''}; no real spec comes close`, { loc: firstAlias ?? { file, line: 1, col: 1 } })] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const found = data === null || data === undefined ? (text.trim() === '' || doc.contents === null ? 'the file is empty (or only comments)' : 'the document is null') : Array.isArray(data) ? 'the document is a list' : `the document is a single value (${JSON.stringify(data).slice(0, 40)})`;
    return { ok: false, issues: [issue('not-a-mapping', '', `${found}; a spec is a mapping of fields (specVersion, name, data, model, training, ...)`, { loc: doc.contents?.range ? at(doc.contents.range[0]) : { file, line: 1, col: 1 } })] };
  }

  const locate = (path: string, keyOf?: string): SourceLocation | undefined => {
    const parts = splitPath(path);
    for (let n = parts.length; n >= 0; n--) {
      const node = doc.getIn(parts.slice(0, n), true) as Node | undefined;
      if (!node) continue;
      if (keyOf !== undefined && n === parts.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === keyOf);
        const r = (pair?.key as Node | undefined)?.range;
        if (r) return at(r[0]);
      }
      if (n < parts.length) {
        // The key of the missing child is a better place than the whole parent.
        const parent = node;
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === parts[n]);
          const r = (pair?.key as Node | undefined)?.range;
          if (r) return at(r[0]);
        }
      }
      if (node.range) return at(node.range[0]);
    }
    return undefined;
  };
  return { ok: true, source: { file, data, locate }, issues: [] };
}

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { issue, type Issue, type SourceLocation } from '../errors.js';

/** Limits that keep a hostile spec from hurting the process. A spec is data, never code. */
export const PARSE_LIMITS = {
  /** Bytes. The largest real spec is a few KB. */
  maxBytes: 1 << 20,
  /** Nesting depth of maps and lists; checked before the YAML parser recurses. */
  maxDepth: 64,
  /** Alias expansions (`*ref`) while building the data: stops "billion laughs". */
  maxAliases: 100,
} as const;

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
 * Counts flow brackets outside quotes, and block indentation levels plus
 * leading `- ` markers. Overestimates are fine: the limit is far above real specs.
 */
export function nestingDepth(text: string): { depth: number; line: number; col: number } {
  let max = { depth: 0, line: 1, col: 1 };
  let flow = 0;
  const indents: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    const body = line.slice(i);
    if (flow === 0 && body.length > 0 && !body.startsWith('#')) {
      while (indents.length && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      let markers = 0;
      for (let j = 0; body.startsWith('- ', j) || body.startsWith('? ', j) || (body[j] === '-' && j === body.length - 1); j += 2) markers++;
      const d = indents.length + markers;
      if (d > max.depth) max = { depth: d, line: li + 1, col: i + 1 };
    }
    let quote: string | null = null;
    for (let j = i; j < line.length; j++) {
      const c = line[j]!;
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (j === 0 || line[j - 1] === ' ')) break;
      else if (c === '[' || c === '{') {
        flow++;
        const d = indents.length + flow;
        if (d > max.depth) max = { depth: d, line: li + 1, col: j + 1 };
      } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    }
  }
  return max;
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
  const depth = nestingDepth(text);
  if (depth.depth > PARSE_LIMITS.maxDepth) {
    return {
      ok: false,
      issues: [issue('too-deep', '', `nesting is deeper than ${PARSE_LIMITS.maxDepth} levels`, { loc: { file, line: depth.line, col: depth.col }, hint: 'no valid spec nests this deep' })],
    };
  }

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true, merge: false, keepSourceTokens: false });
  } catch (e) {
    return { ok: false, issues: [issue('parse-failed', '', `could not parse: ${(e as Error).message}`, { loc: { file, line: 1, col: 1 } })] };
  }
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const code = err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'syntax';
    const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    issues.push(issue(code, '', code === 'duplicate-key' ? 'duplicate key: a key may appear once in a mapping' : `YAML syntax: ${msg}`, { loc: at(err.pos[0]) }));
  }
  if (issues.length) return { ok: false, issues };

  // Refuse keys that could reach Object.prototype if any consumer ever merged the data naively.
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && FORBIDDEN_KEYS.has(key)) {
          const range = (pair.key as Node).range;
          issues.push(issue('forbidden-key', [...path, key].join('.'), `the key "${key}" is not allowed in a spec`, { loc: range ? at(range[0]) : undefined }));
        }
        walk(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, String(i)]));
  };
  walk(doc.contents, []);
  if (issues.length) return { ok: false, issues };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: PARSE_LIMITS.maxAliases });
  } catch (e) {
    const m = (e as Error).message;
    const code = /alias/i.test(m) ? 'alias-limit' : 'parse-failed';
    return { ok: false, issues: [issue(code, '', code === 'alias-limit' ? `too many alias expansions (limit ${PARSE_LIMITS.maxAliases}): ${m}` : m, { loc: { file, line: 1, col: 1 } })] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, issues: [issue('not-a-mapping', '', 'a spec must be a mapping of fields (specVersion, name, data, model, training, ...)', { loc: { file, line: 1, col: 1 } })] };
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

/**
 * A JSON syntax check that says where the first error is and what it is, in
 * a spec author's words. `JSON.parse` gives no position for many errors
 * ("Unexpected token ''', ..."), and yaml, which reads .json specs for their
 * locations, accepts more than JSON. No recursion: the nesting is a stack.
 */

export interface JsonSyntaxError {
  /** Offset (UTF-16 code units) of the problem in the text. */
  offset: number;
  message: string;
}

/** 1-based line and column of an offset (columns count UTF-16 code units, as yaml's LineCounter does). */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[^\s,:[\]{}"]{1,40}/y;
const BLANK = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

function wordAt(text: string, i: number): string {
  WORD.lastIndex = i;
  return WORD.exec(text)?.[0] ?? text[i]!;
}

/** What is wrong with a character (or word) where something else was expected. */
function unexpected(text: string, i: number, expected: string): string {
  const c = text[i]!;
  if (c === '/' || c === '#') return 'JSON has no comments';
  if (c === "'") return 'strings and keys take double quotes ("), not single quotes';
  const w = wordAt(text, i);
  if (expected === 'a value' && /^([-+.]?\d|[-+]?\.?(inf|infinity|nan)$)/i.test(w)) {
    return `${JSON.stringify(w)} is not a JSON number (JSON numbers are plain decimals, e.g. 255 or 0.5)`;
  }
  if (/^[A-Za-z_$]/.test(w)) return `expected ${expected}, got unquoted text ${JSON.stringify(w)} (JSON strings take double quotes)`;
  return `expected ${expected}, got ${JSON.stringify(c)}`;
}

/** Scans a string starting at the quote at `i`; returns the offset after it, or an error. */
function scanString(text: string, i: number): number | JsonSyntaxError {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) {
      return { offset: j, message: c === 0x0a || c === 0x0d ? 'a string runs past the end of its line (a closing " is missing)' : 'a control character (a tab?) inside a string: write it as \\t' };
    }
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { offset: j, message: 'a \\u escape takes four hex digits' };
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
      else return { offset: j, message: `${JSON.stringify('\\' + (e ?? ''))} is not a JSON escape (use \\\\ for a backslash)` };
    }
  }
  return { offset: i, message: 'a string that is never closed (a closing " is missing)' };
}

/** The first JSON syntax error in `text`, or null when it is one JSON value. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // value: a value must come; key: a key (or `}` right after `{`); colon; after: `,`, a closer, or the end.
  let state: 'value' | 'key' | 'colon' | 'after' = 'value';
  let opened = false; // the last token opened a list or mapping
  let comma = -1; // offset of the comma just read, for trailing commas
  const closer = () => (stack[stack.length - 1] === '{' ? '}' : ']');
  for (;;) {
    while (i < n && BLANK(text[i]!)) i++;
    if (i >= n) {
      if (state === 'after' && stack.length === 0) return null;
      if (stack.length === 0) return { offset: n, message: 'the file ends before its value' };
      const what = stack[stack.length - 1] === '{' ? 'a mapping' : 'a list';
      return { offset: n, message: `the file ends inside ${what}: a closing "${closer()}" is missing` };
    }
    const c = text[i]!;
    if (state === 'after') {
      if (stack.length === 0) return { offset: i, message: 'more text after the JSON value has ended (a file holds one value)' };
      if (c === ',') {
        comma = i++;
        state = stack[stack.length - 1] === '{' ? 'key' : 'value';
        opened = false;
      } else if (c === closer()) {
        stack.pop();
        i++;
      } else if (c === '}' || c === ']') return { offset: i, message: `"${c}" closes nothing here: ${closer() === '}' ? 'a mapping' : 'a list'} is open, ending with "${closer()}"` };
      else if (/["{[\d-]/.test(c) || /^(true|false|null)\b/.test(text.slice(i, i + 6))) return { offset: i, message: `a comma is missing before this ${c === '"' ? 'string' : 'value'} (or a "${closer()}" after the one before)` };
      else return { offset: i, message: /[/#']/.test(c) ? unexpected(text, i, '') : `expected "," or "${closer()}" after a value, got ${JSON.stringify(wordAt(text, i))}` };
      continue;
    }
    if (state === 'colon') {
      if (c !== ':') return { offset: i, message: `expected ":" after a key, got ${JSON.stringify(c)}` };
      i++;
      state = 'value';
      continue;
    }
    if (c === '}' || c === ']') {
      if (!stack.length) return { offset: i, message: `"${c}" closes nothing` };
      if (c !== closer()) return { offset: i, message: `"${c}" closes nothing here: ${closer() === '}' ? 'a mapping' : 'a list'} is open, ending with "${closer()}"` };
      if (comma >= 0) return { offset: comma, message: `a comma before "${c}" (JSON allows no trailing comma)` };
      if (!opened) return { offset: i, message: 'expected a value after ":"' };
      stack.pop();
      i++;
      state = 'after';
      opened = false;
      continue;
    }
    if (state === 'key') {
      if (c !== '"') return { offset: i, message: unexpected(text, i, 'a key in double quotes') };
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      state = 'colon';
      opened = false;
      comma = -1;
      continue;
    }
    // state === 'value'
    opened = false;
    comma = -1;
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      state = c === '{' ? 'key' : 'value';
      opened = true;
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      const end = i + (m?.[0].length ?? 0);
      if (!m || (end < n && /[\w.+-]/.test(text[end]!))) return { offset: i, message: `${JSON.stringify(wordAt(text, i))} is not a JSON number` };
      i = end;
    } else if (text.startsWith('true', i) || text.startsWith('null', i) || text.startsWith('false', i)) {
      const len = text[i] === 'f' ? 5 : 4;
      if (i + len < n && /[\w$.-]/.test(text[i + len]!)) return { offset: i, message: unexpected(text, i, 'a value') };
      i += len;
    } else return { offset: i, message: unexpected(text, i, 'a value') };
    state = 'after';
  }
}

import { DataError } from '../errors.js';
import type { ImageSet } from './types.js';

/**
 * Kaggle's Fashion-MNIST CSV layout: a `label,pixel1,...,pixelN` header, then
 * one image per line (the label, then N integers 0..255, row-major). The real
 * file is about 100 MB, so rows are parsed from the bytes directly: no
 * string per line, no split, no regex per cell.
 */

export interface CsvOptions {
  height?: number;
  width?: number;
  /** Labels must be 0..numClasses-1. */
  numClasses?: number;
  hint?: string;
}

const COMMA = 44;
const CR = 13;
const LF = 10;
const ZERO = 48;
const NINE = 57;
const DEFAULT_HINT = 'The file must be a Kaggle-style CSV: a `label,pixel1,...` header, then one line per image with integer cells.';

export function decodeCsv(bytes: Uint8Array, file: string, options: CsvOptions = {}): ImageSet {
  const { height = 28, width = 28, numClasses = 10, hint = DEFAULT_HINT } = options;
  const pixels = height * width;
  const columns = pixels + 1;
  const end = bytes.length;
  const fail = (line: number, code: string, message: string): never => {
    throw new DataError(code, `${file}:${line}`, message, hint);
  };
  const columnName = (c: number) => (c === 0 ? 'label' : `pixel${c}`);

  // The header; a UTF-8 byte order mark (Excel writes one) is skipped.
  let pos = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const headerEnd = lineEnd(bytes, pos);
  checkHeader(ascii(bytes, pos, headerEnd), columns, (m) => fail(1, 'csv-bad-header', m));
  pos = headerEnd < end ? headerEnd + 1 : end;

  // One row per line break, plus a last line without one.
  let capacity = end > pos && bytes[end - 1] !== LF ? 1 : 0;
  for (let i = bytes.indexOf(LF, pos); i >= 0; i = bytes.indexOf(LF, i + 1)) capacity++;
  const images = new Uint8Array(capacity * pixels);
  const labels = new Uint8Array(capacity);

  const columnCount = (start: number) => {
    let n = 1;
    for (let i = start; i < end && bytes[i] !== LF; i++) if (bytes[i] === COMMA) n++;
    return n;
  };

  let count = 0;
  let line = 1;
  while (pos < end) {
    line++;
    const lineStart = pos;
    if (bytes[pos] === LF || (bytes[pos] === CR && bytes[pos + 1] === LF)) {
      if (onlyLineBreaks(bytes, pos)) break;
      fail(line, 'csv-column-count', `line is empty; expected ${columns} columns (label and ${pixels} pixels)`);
    }
    const out = count * pixels;
    for (let c = 0; c < columns; c++) {
      const cellStart = pos;
      let value = 0;
      // -1 stands for the end of the file, so `b` stays a small integer (keeps V8 on its fast path).
      let b = pos < end ? bytes[pos]! : -1;
      while (b >= ZERO && b <= NINE) {
        if (value < 1e6) value = value * 10 + (b - ZERO);
        b = ++pos < end ? bytes[pos]! : -1;
      }
      const last = c === columns - 1;
      const atBreak = b === LF || b === -1 || (b === CR && (pos + 1 >= end || bytes[pos + 1] === LF));
      if (b !== COMMA && !atBreak) {
        fail(line, 'csv-not-a-number', `column ${c + 1} (${columnName(c)}): ${cellText(bytes, cellStart)} is not a non-negative integer`);
      }
      if (last ? b === COMMA : atBreak) {
        fail(line, 'csv-column-count', `line has ${columnCount(lineStart)} columns, expected ${columns} (label and ${pixels} pixels)`);
      }
      if (pos === cellStart) fail(line, 'csv-not-a-number', `column ${c + 1} (${columnName(c)}) is empty`);
      if (c === 0) {
        if (value >= numClasses) fail(line, 'csv-label-out-of-range', `label ${cellText(bytes, cellStart)} is out of range; labels must be 0..${numClasses - 1}`);
        labels[count] = value;
      } else {
        if (value > 255) fail(line, 'csv-pixel-out-of-range', `column ${c + 1} (${columnName(c)}): ${cellText(bytes, cellStart)} is out of range 0..255`);
        images[out + c - 1] = value;
      }
      pos++; // past the comma, or the LF
      if (b === CR) pos++;
    }
    count++;
  }
  if (count === 0) fail(line, 'csv-empty', 'file has a header but no rows');

  return {
    images: count === capacity ? images : images.slice(0, count * pixels),
    labels: count === capacity ? labels : labels.slice(0, count),
    count,
    height,
    width,
  };
}

function checkHeader(header: string, columns: number, fail: (message: string) => never) {
  const cells = header.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (/^\d+$/.test(cells[0] ?? '')) fail(`the first line is data, not a header; expected \`label,pixel1,...,pixel${columns - 1}\``);
  if (cells.length !== columns) fail(`header has ${cells.length} columns, expected ${columns}: \`label,pixel1,...,pixel${columns - 1}\``);
  for (let i = 0; i < columns; i++) {
    const want = i === 0 ? 'label' : `pixel${i}`;
    if (cells[i] !== want) fail(`header column ${i + 1} is \`${cells[i]}\`, expected \`${want}\``);
  }
}

const lineEnd = (b: Uint8Array, from: number) => {
  const i = b.indexOf(LF, from);
  return i < 0 ? b.length : i;
};

function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) if (b[i] !== CR) s += String.fromCharCode(b[i]!);
  return s;
}

function onlyLineBreaks(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== LF && b[i] !== CR) return false;
  return true;
}

/** The cell at `from`, quoted and shortened, for messages. */
function cellText(b: Uint8Array, from: number): string {
  let to = from;
  while (to < b.length && to - from < 24 && b[to] !== COMMA && b[to] !== LF && b[to] !== CR) to++;
  const s = ascii(b, from, to);
  return to - from >= 24 ? `"${s}…"` : s.length === 0 ? 'an empty cell' : `"${s}"`;
}

import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { decodeCsv } from './csv.js';
import { decodeIdxImages, decodeIdxLabels } from './idx.js';
import { maybeGunzip } from './gunzip.js';
import { DataError } from '../errors.js';

const enc = (s: string) => new TextEncoder().encode(s);
/** A 2x2 CSV: header, then the given rows. */
const header2 = 'label,pixel1,pixel2,pixel3,pixel4';
const csv2 = (...rows: string[]) => enc([header2, ...rows].join('\n'));
const opts = { height: 2, width: 2 };

function thrown(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('decodeCsv', () => {
  it('reads labels and row-major pixels', () => {
    const set = decodeCsv(csv2('3,0,1,254,255', '9,10,20,30,40'), 'a.csv', opts);
    expect(set).toMatchObject({ count: 2, height: 2, width: 2 });
    expect([...set.labels]).toEqual([3, 9]);
    expect([...set.images]).toEqual([0, 1, 254, 255, 10, 20, 30, 40]);
  });

  it('tolerates CRLF, a trailing newline, trailing blank lines and a BOM', () => {
    const text = `\ufeff${header2}\r\n1,1,2,3,4\r\n2,5,6,7,8\r\n\r\n`;
    const set = decodeCsv(enc(text), 'a.csv', opts);
    expect(set.count).toBe(2);
    expect([...set.images]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(decodeCsv(csv2('1,1,2,3,4', ''), 'a.csv', opts).count).toBe(1);
  });

  it('defaults to 28x28 with the Kaggle header', () => {
    const head = ['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(',');
    const row = ['7', ...Array.from({ length: 784 }, (_, i) => String(i % 256))].join(',');
    const set = decodeCsv(enc(`${head}\n${row}\n`), 'k.csv');
    expect(set).toMatchObject({ count: 1, height: 28, width: 28 });
    expect(set.images[783]).toBe(783 % 256);
  });

  it.each([
    ['too few columns', ['1,2,3,4,5', '1,2,3'], 'a.csv:3', 'csv-column-count', 'line has 3 columns, expected 5 (label and 4 pixels)'],
    ['too many columns', ['1,2,3,4,5,6'], 'a.csv:2', 'csv-column-count', 'line has 6 columns, expected 5'],
    ['a trailing comma', ['1,2,3,4,5,'], 'a.csv:2', 'csv-column-count', 'line has 6 columns'],
    ['an empty last cell', ['1,2,3,4,'], 'a.csv:2', 'csv-not-a-number', 'column 5 (pixel4) is empty'],
    ['an empty line in the middle', ['1,2,3,4,5', '', '1,2,3,4,5'], 'a.csv:3', 'csv-column-count', 'line is empty'],
    ['a word', ['1,2,abc,4,5'], 'a.csv:2', 'csv-not-a-number', 'column 3 (pixel2): "abc" is not a non-negative integer'],
    ['a decimal', ['1,2,3.5,4,5'], 'a.csv:2', 'csv-not-a-number', '"3.5"'],
    ['a negative number', ['1,-2,3,4,5'], 'a.csv:2', 'csv-not-a-number', 'column 2 (pixel1): "-2"'],
    ['an empty cell', ['1,2,,4,5'], 'a.csv:2', 'csv-not-a-number', 'column 3 (pixel2) is empty'],
    ['a pixel above 255', ['1,2,3,256,5'], 'a.csv:2', 'csv-pixel-out-of-range', 'column 4 (pixel3): "256" is out of range 0..255'],
    ['a huge pixel', ['1,2,3,99999999999999999999,5'], 'a.csv:2', 'csv-pixel-out-of-range', 'out of range 0..255'],
    ['a label above 9', ['10,2,3,4,5'], 'a.csv:2', 'csv-label-out-of-range', 'label "10" is out of range; labels must be 0..9'],
    ['no rows', [], 'a.csv:1', 'csv-empty', 'no rows'],
  ])('rejects %s with file:line', (_what, rows, file, code, message) => {
    const e = thrown(() => decodeCsv(csv2(...rows), 'a.csv', opts));
    expect(e.code).toBe(code);
    expect(e.file).toBe(file);
    expect(e.message).toContain(message);
    expect(e.hint).toBeTruthy();
  });

  it('counts lines across CRLF in errors', () => {
    const e = thrown(() => decodeCsv(enc(`${header2}\r\n1,2,3,4,5\r\n1,2,x,4,5\r\n`), 'a.csv', opts));
    expect(e.file).toBe('a.csv:3');
  });

  it('checks the label range against the number of classes', () => {
    expect(thrown(() => decodeCsv(csv2('2,0,0,0,0'), 'a.csv', { ...opts, numClasses: 2 })).code).toBe('csv-label-out-of-range');
    expect(decodeCsv(csv2('1,0,0,0,0'), 'a.csv', { ...opts, numClasses: 2 }).labels[0]).toBe(1);
  });

  it.each([
    ['a missing header', '1,2,3,4,5\n', 'the first line is data, not a header'],
    ['a header of the wrong width', 'label,pixel1,pixel2\n1,2,3\n', 'header has 3 columns, expected 5'],
    ['a misnamed column', 'label,pixel1,pixel2,px3,pixel4\n', 'header column 4 is `px3`, expected `pixel3`'],
    ['an empty file', '', 'header has 1 columns'],
  ])('rejects %s', (_what, text, message) => {
    const e = thrown(() => decodeCsv(enc(text), 'a.csv', opts));
    expect(e.code).toBe('csv-bad-header');
    expect(e.file).toBe('a.csv:1');
    expect(e.message).toContain(message);
  });

  it('accepts a quoted header', () => {
    expect(decodeCsv(enc('"label","pixel1","pixel2","pixel3","pixel4"\n0,1,2,3,4\n'), 'a.csv', opts).count).toBe(1);
  });

  it('parses 60,000 rows of 784 pixels in reasonable time', () => {
    const rows = 60_000;
    const head = ['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(',') + '\n';
    const rowText = enc(['5', ...Array.from({ length: 784 }, (_, i) => String((i * 37) % 256))].join(',') + '\n');
    const bytes = new Uint8Array(head.length + rows * rowText.length);
    bytes.set(enc(head));
    for (let r = 0; r < rows; r++) bytes.set(rowText, head.length + r * rowText.length);
    const t = performance.now();
    const set = decodeCsv(bytes, 'big.csv');
    const ms = performance.now() - t;
    expect(set.count).toBe(rows);
    expect(set.images[59_999 * 784 + 783]).toBe((783 * 37) % 256);
    expect(ms).toBeLessThan(5_000);
  });
});

/** The real test set written as CSV (as Kaggle's files are), then read back: the pixels must survive. */
const DIR = '/usr/share/datasets/fashion-mnist';
describe.runIf(existsSync(`${DIR}/t10k-images-idx3-ubyte.gz`))('CSV of the real Fashion-MNIST test set', () => {
  it('decodes to the same images and labels as the IDX files', () => {
    const imagesIdx = maybeGunzip(new Uint8Array(readFileSync(`${DIR}/t10k-images-idx3-ubyte.gz`)), 'images');
    expect(createHash('sha256').update(imagesIdx).digest('hex')).toBe('5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b');
    const images = decodeIdxImages(imagesIdx, 'images');
    const labels = decodeIdxLabels(maybeGunzip(new Uint8Array(readFileSync(`${DIR}/t10k-labels-idx1-ubyte.gz`)), 'labels'), 'labels');
    const lines = [['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(',')];
    for (let i = 0; i < images.count; i++) lines.push([labels[i], ...images.data.subarray(i * 784, (i + 1) * 784)].join(','));
    const set = decodeCsv(new TextEncoder().encode(lines.join('\r\n') + '\r\n'), 'fashion-mnist_test.csv');
    expect(set.count).toBe(10_000);
    expect([...set.labels.subarray(0, 3)]).toEqual([9, 2, 1]);
    expect(createHash('sha256').update(set.images).digest('hex')).toBe(createHash('sha256').update(images.data).digest('hex'));
  });
});

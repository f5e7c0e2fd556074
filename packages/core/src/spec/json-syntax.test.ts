import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, lineCol } from './json-syntax.js';

const valid = ['{}', '[]', ' \n 1 ', '"s"', '{"a":[1,2,{"b":null}],"c":true,"d":false,"e":-1.5e+3,"f":"x\\u00e9\\n\\"\\\\\\/"}', '[0.5e-3, -0, 0]', '\ufeff{}'];
const invalid: [string, number, RegExp][] = [
  ['{', 1, /ends inside a mapping: a closing "}" is missing/],
  ['[1,]', 2, /comma before "]"/],
  ['{"a":1,}', 6, /comma before "}"/],
  ['{"a"}', 4, /expected ":" after a key/],
  ['{"a":}', 5, /expected a value after ":"/],
  ['{,}', 1, /expected a key in double quotes/],
  ['[,1]', 1, /expected a value/],
  ['[1 2]', 3, /comma is missing/],
  ['{"a":1\n "b":2}', 8, /comma is missing before this string/],
  ["{'a':1}", 1, /double quotes/],
  ['{"a": \'b\'}', 6, /double quotes/],
  ['[01]', 1, /"01" is not a JSON number/],
  ['[1.]', 1, /not a JSON number/],
  ['[.5]', 1, /not a JSON number/],
  ['[+1]', 1, /not a JSON number/],
  ['[NaN]', 1, /not a JSON number/],
  ['[.inf]', 1, /not a JSON number/],
  ['[0x10]', 1, /"0x10" is not a JSON number/],
  ['[yes]', 1, /unquoted text "yes"/],
  ['[truex]', 1, /unquoted text "truex"/],
  ['{"a":1}}', 7, /more text after/],
  ['{"a":1]', 6, /"]" closes nothing here: a mapping is open/],
  ['"a\tb"', 2, /control character/],
  ['"a\nb"', 2, /past the end of its line/],
  ['"\\x"', 1, /not a JSON escape/],
  ['"\\u12"', 1, /four hex digits/],
  ['"abc', 0, /never closed/],
  ['{"a":1 // c\n}', 7, /no comments/],
  ['# c\n{}', 0, /no comments/],
  ['[1,,2]', 3, /expected a value/],
  ['', 0, /ends before its value/],
];

describe('jsonSyntaxError', () => {
  it.each(valid)('accepts %j, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text.replace(/^\ufeff/, ''))).not.toThrow();
    expect(jsonSyntaxError(text)).toBeNull();
  });

  it.each(invalid)('refuses %j at offset %i, as JSON.parse refuses it', (text, offset, message) => {
    expect(() => JSON.parse(text)).toThrow();
    const e = jsonSyntaxError(text);
    expect(e).toMatchObject({ offset });
    expect(e!.message).toMatch(message);
  });

  it('reads 10,000 nested lists without recursion', () => {
    expect(jsonSyntaxError('['.repeat(10_000) + ']'.repeat(10_000))).toBeNull();
    expect(jsonSyntaxError('['.repeat(10_000))).toMatchObject({ offset: 10_000 });
  });
});

describe('lineCol', () => {
  it('counts lines and columns from 1', () => {
    expect(lineCol('ab\ncd\n', 0)).toEqual({ line: 1, col: 1 });
    expect(lineCol('ab\ncd\n', 4)).toEqual({ line: 2, col: 2 });
    expect(lineCol('ab\ncd\n', 6)).toEqual({ line: 3, col: 1 });
  });
});

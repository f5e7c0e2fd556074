import { afterEach, describe, expect, it, vi } from 'vitest';
import { nestingDepth, parseSpecText } from './parse.js';
import { formatIssues } from '../render.js';

// yaml recurses; the pre-scan keeps nesting far below what overflows the stack, but a caller deep in its
// own recursion has less stack. Whatever yaml does with the overflow, the user gets a located issue.
const overflow = vi.hoisted(() => ({ mode: 'off' as 'off' | 'throw' | 'record' | 'toJS' }));
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => {
      if (overflow.mode === 'throw') throw new RangeError('Maximum call stack size exceeded');
      const doc = yaml.parseDocument(...args);
      if (overflow.mode === 'record') doc.errors.push(new yaml.YAMLParseError([12, 13], 'UNEXPECTED_TOKEN', 'Maximum call stack size exceeded'));
      if (overflow.mode === 'toJS') {
        doc.toJS = () => {
          throw new RangeError('Maximum call stack size exceeded');
        };
      }
      return doc;
    },
  };
});

const spec = 'specVersion: 1\nname: x\nreference: { a: [[1]] }\n';

describe('a stack overflow in yaml', () => {
  afterEach(() => {
    overflow.mode = 'off';
  });
  it.each(['throw', 'record', 'toJS'] as const)('%s: becomes a located too-deep issue, never a raw RangeError', (mode) => {
    overflow.mode = mode;
    const r = parseSpecText(spec, 'x.yaml');
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(['too-deep']);
    expect(r.issues[0]!.loc).toMatchObject({ file: 'x.yaml', line: expect.any(Number), col: expect.any(Number) });
    expect(formatIssues(r.issues)).not.toMatch(/call stack/i);
  });
});

describe('nestingDepth', () => {
  it.each([
    ['plain flow', 'a: [[[1]]]', 4],
    ['core tags', 'a: !!seq [!!seq [!!seq [1]]]', 4],
    ['local tags', 'a: !x [!y [!z [1]]]', 4],
    ['verbatim tags', 'a: !<tag:yaml.org,2002:seq> [!<tag:yaml.org,2002:seq> [1]]', 3],
    ['anchors', 'a: &p [&q [&r [1]]]', 4],
    ['a tag and an anchor', 'a: !!seq &p [!!seq &q [1]]', 3],
    ['tags after commas', 'a: [1, !!seq [2, !t [3]]]', 4],
    ['a tag on a block item', '- !!seq [[1]]', 3],
    ['an alias is a scalar', 'a: [*x, [*y]]', 3],
    ['a tag inside a word is not one', 'a: hello!x [1]', 1],
  ])('%s', (_what, text, depth) => {
    expect(nestingDepth(text).depth).toBe(depth);
  });

  it('a tagged block scalar is text, not structure', () => {
    expect(nestingDepth('a: !!str |\n  [[[[[[\n  {{{{\nb: 1\n').depth).toBe(1);
    expect(nestingDepth('a:\n  - note: |\n      [[[[[[[[\n').depth).toBe(3);
  });

  // Each of these once hid 5,000 levels from the pre-scan, and yaml overflowed the stack on them.
  const deep = (open: string, close: string) => `${open.repeat(5000)}1${close.repeat(5000)}`;
  it.each([
    ['"|" inside a flow collection is not a block scalar', `reference: [ b: |\n  ${deep('[', ']')}\n]\n`],
    ['">" inside a flow mapping is not a block scalar', `reference: { b: >\n  ${deep('{a: ', '}')}\n}\n`],
    ['"- a: |" holds its text past the key, not past the dash', `reference:\n- a: |\n  ${deep('[', ']')}: 1\n`],
    ['a quoted scalar over two lines ends at its closing quote', `reference: ["a\n  ", ${deep('[', ']')}]\n`],
  ])('%s', (_what, text) => {
    expect(nestingDepth(text).depth).toBeGreaterThan(64);
    const r = parseSpecText(`specVersion: 1\nname: x\n${text}`, 'x.yaml');
    expect(r.issues.map((i) => [i.code, i.message])).toEqual([['too-deep', 'nesting is deeper than 64 levels']]);
  });
});

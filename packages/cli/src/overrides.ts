import { InvalidArgumentError } from 'commander';
import { parse } from 'yaml';
import { nestingDepth, PARSE_LIMITS } from '@modelspec/core';

/**
 * `--set training.epochs=3` (repeatable): the value is read as YAML, so 3 is a number and [1, 2] a list.
 * The path is checked against the spec later (core's applyOverrides: a list takes only an existing index);
 * here only its form, and the value is held to the limits a spec file is.
 */
export function collectSet(v: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected path=value, got "${v}"`);
  const path = v.slice(0, eq);
  const text = v.slice(eq + 1);
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(path)) throw new InvalidArgumentError(`"${path}" is not a spec path: fields and list indices joined by single dots, e.g. model.layers.3.units`);
  if (text.length > PARSE_LIMITS.maxBytes) throw new InvalidArgumentError(`the value of ${path} is ${text.length} characters; a spec is at most ${PARSE_LIMITS.maxBytes} bytes`);
  // yaml recurses: deep nesting is refused before it is parsed, as in a spec file.
  if (nestingDepth(text, PARSE_LIMITS.maxDepth).depth > PARSE_LIMITS.maxDepth) throw new InvalidArgumentError(`the value of ${path} nests deeper than ${PARSE_LIMITS.maxDepth} levels`);
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: PARSE_LIMITS.maxAliases });
  } catch {
    throw new InvalidArgumentError(`cannot read the value of "${path}" as YAML`);
  }
  return { ...prev, [path]: value };
}

export function runOverrides(o: { set?: Record<string, unknown>; seed?: number; epochs?: number }): Record<string, unknown> {
  return {
    ...(o.set ?? {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.epochs !== undefined ? { 'training.epochs': o.epochs } : {}),
  };
}

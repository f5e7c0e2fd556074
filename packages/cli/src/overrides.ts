import { InvalidArgumentError } from 'commander';
import { parse } from 'yaml';

/** `--set training.epochs=3` (repeatable): the value is read as YAML, so 3 is a number and [1, 2] a list. */
export function collectSet(v: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected path=value, got "${v}"`);
  let value: unknown;
  try {
    value = parse(v.slice(eq + 1));
  } catch {
    throw new InvalidArgumentError(`cannot read the value of "${v}"`);
  }
  return { ...prev, [v.slice(0, eq)]: value };
}

export function runOverrides(o: { set?: Record<string, unknown>; seed?: number; epochs?: number }): Record<string, unknown> {
  return {
    ...(o.set ?? {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.epochs !== undefined ? { 'training.epochs': o.epochs } : {}),
  };
}

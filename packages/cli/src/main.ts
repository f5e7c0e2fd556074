import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ModelspecError } from '@modelspec/core';
import { processIo, type Io } from './io.js';
import { validateCommand } from './commands/validate.js';
import { summaryCommand } from './commands/summary.js';
import { schemaCommand } from './commands/schema.js';

const EXAMPLES = `
Examples:
  $ modelspec validate specs/                      check every spec in a folder
  $ modelspec summary specs/e-shallow.yaml         layers, output shapes, parameter counts
  $ modelspec train specs/e-shallow.yaml --seed 1  train and evaluate; results in runs/
  $ modelspec train specs/a-mlp1.yaml --limit 2000 --epochs 2   a quick run
  $ modelspec evaluate runs/e-shallow-20261122-101500-s1
  $ modelspec predict runs/e-shallow-20261122-101500-s1 shirt.png
  $ modelspec doctor                               engines, datasets, and how to fix problems
  $ modelspec schema > modelspec.schema.json       the JSON Schema, for editors
`;

const int = (name: string, min = 0) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};
const mib = (v: string) => int('--memory-budget', 1)(v) * 1024 * 1024;

export function buildProgram(io: Io, setCode: (c: number) => void): Command {
  const program = new Command('modelspec')
    .description('A machine-learning experiment as a file: validate, train, evaluate and reproduce specs.')
    .version(VERSION)
    .showHelpAfterError()
    .addHelpText('after', EXAMPLES)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  const run = (f: () => Promise<number>) => async () => setCode(await f());

  program
    .command('validate')
    .description('Check specs (files or folders): schema, shapes, parameter counts, memory. Prints file:line:col for every problem.')
    .argument('<spec...>', 'spec files or folders')
    .option('--json', 'machine-readable output')
    .option('--memory-budget <MiB>', 'refuse specs whose estimated training memory exceeds this', mib)
    .action((paths: string[], o) => run(() => validateCommand(paths, o, io))());

  program
    .command('summary')
    .description('A Keras-like table of layers, output shapes and parameter counts.')
    .argument('<spec>', 'spec file')
    .option('--json', 'machine-readable output (includes totalParameters)')
    .option('--memory-budget <MiB>', 'refuse specs whose estimated training memory exceeds this', mib)
    .action((path: string, o) => run(() => summaryCommand(path, o, io))());

  program
    .command('schema')
    .description('Print the JSON Schema of specs (built from the registries).')
    .option('--write <file>', 'write it to a file instead')
    .action((o) => run(() => schemaCommand(o, io))());

  return program;
}

export const VERSION = '0.1.0';

/** Runs the CLI; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ModelspecError) {
      io.err(`error: ${e.message}${e.hint ? `\n  fix: ${e.hint}` : ''}`);
      return 1;
    }
    throw e;
  }
}

export { int };

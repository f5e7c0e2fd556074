import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ModelspecError } from '@modelspec/core';
import { processIo, type Io } from './io.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { outputError } from './output-dir.js';
import { validateCommand } from './commands/validate.js';
import { summaryCommand } from './commands/summary.js';
import { schemaCommand } from './commands/schema.js';
import { fmtCommand } from './commands/fmt.js';
import { initCommand } from './commands/init.js';
import { trainCommand } from './commands/train.js';
import { evaluateCommand } from './commands/evaluate.js';
import { predictCommand } from './commands/predict.js';
import { doctorCommand } from './commands/doctor.js';
import { webCommand } from './commands/web.js';
import { reproduceCommand } from './commands/reproduce.js';
import { searchCommand } from './commands/search.js';
import { reportCommand } from './commands/report.js';
import { collectSet } from './overrides.js';
import { compose } from './compose.js';
import { pluginsCommand } from './commands/plugins.js';
import { runsCommand } from './commands/runs.js';
import { conformanceCommand } from './commands/conformance.js';
import { workerCommand } from './commands/worker.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ modelspec init mlp.yaml --dataset mnist        a new spec from a template (MLP or small CNN)
  $ modelspec validate specs/                      check every spec in a folder
  $ modelspec fmt specs/                           one layout: schema key order, block style, comments kept
  $ modelspec fmt --check specs/                   fail when a spec is not formatted (CI)
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
const seedList = (v: string) => {
  const seeds = v.split(',').map((x) => Number(x.trim()));
  if (!seeds.length || seeds.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('--seeds takes non-negative integers, e.g. 1,2,3');
  return seeds;
};

const collectList = (v: string, prev: string[] = []) => [...prev, v];

export function buildProgram(io: Io, setCode: (c: number) => void): Command {
  const program = new Command('modelspec')
    .description('A machine-learning experiment as a file: validate, train, evaluate and reproduce specs.')
    .version(VERSION)
    .showHelpAfterError()
    .addHelpText('after', EXAMPLES + EXIT_CODES_HELP)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .option('--plugin <name|path>', 'load a plugin (repeatable): a name resolved like ESLint plugins (acme → modelspec-plugin-acme) or a path; modelspec.config.json can list them too', collectList)
    .hook('preAction', async () => {
      await compose({ plugins: program.opts<{ plugin?: string[] }>().plugin ?? [] });
    });

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

  program
    .command('init')
    .description('Write a new spec from a template: dataset, model (MLP or small CNN), validation scheme and seed from flags, or from questions in a terminal. Never overwrites a file.')
    .argument('[file]', 'the spec to write', 'experiment.yaml')
    .option('--dataset <name>', 'dataset kind (fashionMnist, mnist, csv, or a plugin\'s)')
    .option('--template <name>', 'model template: mlp or cnn')
    .option('--validation <scheme>', 'validation data: none, tail (Keras validation_split), random (sklearn train_test_split) or testSet')
    .option('--seed <n>', 'the spec seed', int('--seed'))
    .option('--name <name>', 'the spec name (default: from the file name)')
    .option('-y, --yes', 'ask nothing: defaults for whatever the flags leave out')
    .action((file: string, o) => run(() => initCommand(file, o, io))());

  program
    .command('fmt')
    .description('Format specs (files or folders): keys in schema order, block mappings (editors complete there), comments and the modeline kept, same data.')
    .argument('<spec...>', 'spec files or folders')
    .option('--check', 'write nothing; exit 1 when a spec is not formatted (for CI)')
    .action((paths: string[], o) => run(() => fmtCommand(paths, o, io))());

  program
    .command('train')
    .description('Train and evaluate a spec on its dataset; records everything in a new folder under runs/ (checkpointed every epoch). --resume <run folder> continues an interrupted or killed run.')
    .argument('[spec]', 'spec file (with --resume: optional, checked against the run\'s)')
    .option('--resume <run>', 'continue an interrupted or killed run from its last checkpoint, in its own folder')
    .option('--seed <n>', 'override the spec seed', int('--seed'))
    .option('--epochs <n>', 'override training.epochs', int('--epochs', 1))
    .option('--limit <n>', 'train on the first N training images only (a quick run)', int('--limit', 1))
    .option('--test-limit <n>', 'evaluate on the first N test images only', int('--test-limit', 1))
    .option('--set <path=value>', 'override any spec field, e.g. --set training.batchSize=64 (repeatable)', collectSet)
    .option('--engine <name>', 'tfjs engine: tensorflow, native, wasm or cpu (default: the best available)')
    .option('--out <dir>', 'where run folders go', 'runs')
    .option('--memory-budget <MiB>', 'refuse specs whose estimated training memory exceeds this', mib)
    .option('--json', 'print metrics.json (with the run folder) when done')
    .action((path: string | undefined, o) => run(() => trainCommand(path, o, io))());

  program
    .command('reproduce')
    .description('Train each spec under several seeds and compare mean ± std with its published figures: reproduced, not reproduced, or nothing published.')
    .argument('<spec...>', 'spec files or folders (e.g. specs/)')
    .option('--seeds <list>', 'comma-separated seeds (default: the spec\'s reproduce.seeds)', seedList)
    .option('--max-seeds <n>', 'at most N seeds in all: more run while a figure is inconclusive, its seeds too spread for the tolerance to decide (default: the spec\'s reproduce.maxSeeds)', int('--max-seeds', 1))
    .option('--epochs <n>', 'override training.epochs', int('--epochs', 1))
    .option('--limit <n>', 'train on the first N training images only', int('--limit', 1))
    .option('--test-limit <n>', 'evaluate on the first N test images only', int('--test-limit', 1))
    .option('--set <path=value>', 'override any spec field (repeatable)', collectSet)
    .option('--engine <name>', 'tfjs engine')
    .option('--out <dir>', 'where run folders go', 'runs')
    .option('--reports <dir>', 'where report folders go (each reproduction gets a new one)', 'reports')
    .option('--write-table', 'update REPRODUCTIONS.md (in the current directory) with these results; full reproductions only')
    .option('--check', 'exit 3 unless every published figure is reproduced (1 stays for errors)')
    .option('--fresh', 'run every seed anew (by default a seed that already ran to the end under --out is reused, and an unfinished one resumed)')
    .option('--queue <url>', 'run the seeds on the workers of this Redis queue (redis://[:password@]host:port[/db], rediss:// for TLS; see modelspec worker)')
    .option('--workers <n>', 'run the seeds in N local processes, one thread each (no Redis)', int('--workers', 1))
    .option('--json', 'machine-readable output')
    .action((paths: string[], o) => run(() => reproduceCommand(paths, o, io))());

  program
    .command('search')
    .description("Randomized hyperparameter search with stratified k-fold cross-validation over the spec's `search` section (sklearn RandomizedSearchCV), then a refit of the best candidate evaluated on the test set.")
    .argument('<spec>', 'spec file with a search section')
    .option('--candidates <n>', 'override search.candidates', int('--candidates', 1))
    .option('--folds <n>', 'override search.folds', int('--folds', 2))
    .option('--epochs <n>', 'override training.epochs', int('--epochs', 1))
    .option('--limit <n>', 'search on the first N training images only', int('--limit', 1))
    .option('--test-limit <n>', 'evaluate the refit on the first N test images only', int('--test-limit', 1))
    .option('--set <path=value>', 'override any spec field (repeatable)', collectSet)
    .option('--engine <name>', 'tfjs engine')
    .option('--out <dir>', 'where the refit run folder goes', 'runs')
    .option('--fresh', 'run every fold anew (by default folds that already ran are reused)')
    .option('--queue <url>', 'run the folds and the refit on the workers of this Redis queue (redis://[:password@]host:port[/db], rediss:// for TLS; see modelspec worker)')
    .option('--workers <n>', 'run the folds and the refit in N local processes, one thread each (no Redis)', int('--workers', 1))
    .option('--json', 'machine-readable output')
    .action((path: string, o) => run(() => searchCommand(path, o, io))());

  program
    .command('worker')
    .description('Take trials (the seeds of reproduce, the folds of search) from a Redis queue and run them with this machine\'s engines and plugins, until stopped. Any number of workers, on any machines that reach the Redis.')
    .option('--queue <url>', 'the Redis the submitters use: redis://[user:password@]host:port[/db], rediss:// for TLS (or the password in REDISCLI_AUTH)')
    .option('--concurrency <n>', 'trials at once, each in its own process', int('--concurrency', 1))
    .option('--out <dir>', 'where this worker keeps its run folders', 'runs')
    .option('--name <queue>', 'the queue\'s name in Redis', 'modelspec-trials')
    .option('--lock-duration <ms>', 'a worker silent this long is taken for dead and its trial resumed by another', int('--lock-duration', 1000))
    .addOption(new Option('--ipc').hideHelp())
    .addOption(new Option('--spec-dir <dir>').hideHelp())
    .action((o) => run(() => workerCommand(o, io))());

  program
    .command('report')
    .description('Render a report (self-contained HTML, Markdown, JSON, PNG and SVG plots) from run folders of one spec, e.g. the seeds of a reproduction.')
    .argument('<run...>', 'run folders')
    .requiredOption('--out <dir>', 'folder to write the report into (must not exist yet, or be empty)')
    .option('--replace', 're-render over a folder that already holds a report (its files are replaced)')
    .action((runs: string[], o) => run(() => reportCommand(runs, o, io))());

  program
    .command('evaluate')
    .description("Evaluate a trained model (a run folder, or a saved model) on its spec's test set.")
    .argument('<run-or-model>', 'run folder, model folder or model.json')
    .option('--engine <name>', 'tfjs engine')
    .option('--test-limit <n>', 'evaluate on the first N test images only', int('--test-limit', 1))
    .option('--json', 'machine-readable output')
    .action((loc: string, o) => run(() => evaluateCommand(loc, o, io))());

  program
    .command('predict')
    .description('Classify an image (a 28x28 PNG) or images from an IDX file with a trained model.')
    .argument('<run-or-model>', 'run folder, model folder or model.json')
    .argument('<input>', 'a PNG image, or an IDX images file (.gz or not)')
    .option('--index <n>', 'first image of an IDX file', int('--index'), 0)
    .option('--count <n>', 'how many images of an IDX file', int('--count', 1), 1)
    .option('--top <k>', 'how many classes to list per image', int('--top', 1), 3)
    .option('--invert', 'invert gray levels (dark garment on a light background)')
    .option('--engine <name>', 'tfjs engine')
    .option('--json', 'machine-readable output')
    .action((loc: string, input: string, o) => run(() => predictCommand(loc, input, o, io))());

  program
    .command('runs')
    .description('The runs under a folder, newest first: status (a run whose process is gone shows as killed), spec, seed, engine, epochs, test accuracy.')
    .option('--out <dir>', 'the runs folder', 'runs')
    .option('--json', 'machine-readable output')
    .action((o) => run(() => runsCommand(o, io))());

  program
    .command('conformance')
    .description("Run the conformance kit on a plugin's engines and backends (by default modelspec's own Node ones): tfjs-core's tests, kernel parity with cpu, training, determinism, model and run-store guarantees.")
    .argument('[plugin]', 'a plugin name or path (as --plugin takes it)')
    .option('--engine <name>', 'only this engine (repeatable)', collectList)
    .option('--no-tfjs-tests', "leave out tfjs-core's own test suite (the slowest part)")
    .option('--json', 'machine-readable output')
    .action((plugin: string | undefined, o) => run(() => conformanceCommand(plugin, o, io))());

  program
    .command('plugins')
    .description('The plugins loaded (built-ins, modelspec.config.json, --plugin): versions, where each came from, and the kinds and engines it adds.')
    .option('--json', 'machine-readable output')
    .action((o) => run(() => pluginsCommand(o, io))());

  program
    .command('doctor')
    .description('Node version, tfjs engines (available, chosen, why not), datasets found and verified, with fixes.')
    .option('--no-datasets', 'skip the dataset checks')
    .option('--json', 'machine-readable output')
    .action((o) => run(() => doctorCommand(o, io))());

  program
    .command('web')
    .description('Serve the playground (train specs in the browser) on localhost, with the headers it needs.')
    .option('--port <port>', 'port (default 5178)', int('--port', 1))
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .action((o) => run(() => webCommand(o, io))());

  return program;
}


/** Runs the CLI; returns the exit code (see exit-codes.ts). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return renderError(e, io);
  }
}

/**
 * Every error that reaches the top, rendered in this one place: a
 * ModelspecError as `error:` and its fix; a file-system error from anywhere
 * (a full disk, a folder that cannot be written) the same way; anything else
 * is a bug in modelspec: one line, its stack only with MODELSPEC_DEBUG=1.
 */
export function renderError(e: unknown, io: Io, debug = process.env['MODELSPEC_DEBUG'] === '1'): number {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const stack = debug && cause instanceof Error && cause.stack ? cause.stack : null;
  const known = e instanceof ModelspecError ? e : outputError(e);
  if (known) {
    io.err(`error: ${known.message}${known.hint ? `\n  fix: ${known.hint}` : ''}`);
    if (stack) io.err(stack);
    return EXIT.error;
  }
  io.err(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  io.err(stack ?? '  this is a bug in modelspec: run again with MODELSPEC_DEBUG=1 for the stack trace, and report it');
  return EXIT.error;
}

export { int, VERSION };

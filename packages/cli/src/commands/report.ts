import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkSpec } from '@modelspec/core';
import { readReproduction, renderReport } from '@modelspec/backend-node';
import { shown, specLoader, warningLines } from '../spec-files.js';
import { checkOutDir } from '../output-dir.js';
import { reportEnvironment } from '../report-environment.js';
import type { Io } from '../io.js';

/** A report (HTML, Markdown, JSON, PNG/SVG plots) from existing run folders of one spec. */
export async function reportCommand(runs: string[], o: { out: string; replace?: boolean }, io: Io): Promise<number> {
  await checkOutDir(o.out);
  const existing = await readdir(resolve(o.out)).catch(() => []);
  if (existing.length && !o.replace) {
    io.err(`error: ${shown(resolve(o.out))} is not empty (${existing.length} entries); choose a new --out, or pass --replace to re-render the report there`);
    return 2;
  }
  const read = await readReproduction(runs.map((r) => resolve(r)));
  // run folders as the user names them, never this machine's absolute paths when inside the working directory
  // the spec's warnings (a loss that does not fit the output, say), as reproduce reports them
  const checks = warningLines(checkSpec(read.spec, specLoader().reg, { parameterMismatch: 'warning' }).issues);
  const environment = await reportEnvironment(read.runs.map((r) => ({ location: r.location })));
  const rep = { ...read, checks, environment, specFile: shown(read.specFile), runs: read.runs.map((r) => ({ ...r, location: r.location && shown(r.location) })) };
  const { files } = await renderReport(rep, resolve(o.out));
  io.out(`${rep.spec.name}: report of ${rep.runs.length} run(s) in ${shown(resolve(o.out))} (${files.length} files; open report.html)`);
  return 0;
}

import { resolve } from 'node:path';
import { readReproduction, renderReport } from '@modelspec/backend-node';
import { shown } from '../spec-files.js';
import type { Io } from '../io.js';

/** A report (HTML, Markdown, JSON, PNG/SVG plots) from existing run folders of one spec. */
export async function reportCommand(runs: string[], o: { out: string }, io: Io): Promise<number> {
  const rep = await readReproduction(runs.map((r) => resolve(r)));
  const { files } = await renderReport(rep, resolve(o.out));
  io.out(`${rep.spec.name}: report of ${rep.runs.length} run(s) in ${shown(resolve(o.out))} (${files.length} files; open report.html)`);
  return 0;
}

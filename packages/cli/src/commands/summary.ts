import { stat } from 'node:fs/promises';
import { formatIssues, summaryJson, summaryTable, formatBytes, ModelspecError } from '@modelspec/core';
import { loadSpecFile } from '../spec-files.js';
import type { Io } from '../io.js';

export async function summaryCommand(path: string, o: { json?: boolean; memoryBudget?: number }, io: Io): Promise<number> {
  if ((await stat(path).catch(() => null))?.isDirectory()) {
    throw new ModelspecError('not-a-file', `${path}: a folder; summary takes one spec file`, `name one of its specs, e.g. modelspec summary ${path.replace(/\/+$/, '')}/<name>.yaml (modelspec validate takes folders)`);
  }
  const r = await loadSpecFile(path, o.memoryBudget);
  if (!r.ok) {
    io.err(formatIssues(r.issues, r.file));
    return 1;
  }
  if (r.issues.length) io.err(formatIssues(r.issues, r.file));
  if (o.json) {
    io.out(JSON.stringify(summaryJson(r.spec.name, r.check), null, 2));
  } else {
    io.out(summaryTable(r.spec.name, r.check, r.spec.model.type === 'graph'));
    io.out(`Estimated training memory at batch ${r.spec.training.batchSize}: ${formatBytes(r.check.memory.totalBytes)}`);
  }
  return 0;
}

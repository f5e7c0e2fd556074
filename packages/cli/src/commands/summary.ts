import { formatIssues, summaryJson, summaryTable, formatBytes } from '@modelspec/core';
import { loadSpecFile } from '../spec-files.js';
import type { Io } from '../io.js';

export async function summaryCommand(path: string, o: { json?: boolean; memoryBudget?: number }, io: Io): Promise<number> {
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

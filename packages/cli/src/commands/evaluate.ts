import { evaluateModel, formatClassificationReport, formatIssues } from '@modelspec/core';
import { composed } from '../compose.js';
import { resolveModel, verifyRunWeights } from '../model-location.js';
import { shown, specLoader } from '../spec-files.js';
import type { Io } from '../io.js';

export async function evaluateCommand(location: string, o: { json?: boolean; engine?: string; testLimit?: number }, io: Io): Promise<number> {
  const where = await resolveModel(location);
  const backend = composed().backend(where.specDir);
  await backend.prepare(o.engine ? { engine: o.engine } : {});
  const { model, metadata } = await backend.loadModel(where.modelDir);
  await verifyRunWeights(model, where);
  // The recorded spec goes through the same pipeline as a file, so an old or hand-edited model is checked too.
  const loaded = specLoader().loader.load(JSON.stringify(metadata.spec), `${shown(where.modelDir)}#spec`);
  if (!loaded.ok) {
    io.err(formatIssues(loaded.issues));
    return 1;
  }
  const { test, engine } = await evaluateModel(model, loaded, backend, specLoader().reg, { engine: o.engine, testLimit: o.testLimit });
  model.dispose();
  if (o.json) {
    io.out(JSON.stringify({ model: where.modelDir, engine: engine.name, test: { ...test.values, macroPrecision: test.report.macro.precision, macroRecall: test.report.macro.recall }, confusion: test.confusion, report: test.report }, null, 2));
    return 0;
  }
  io.out(`${loaded.spec.name} on its test set (${test.report.totalSupport} images, engine ${engine.name})`);
  for (const [k, v] of Object.entries(test.values)) io.out(`  test ${k.padEnd(10)} ${v.toFixed(4)}`);
  io.out('');
  io.out(formatClassificationReport(test.report, 4));
  return 0;
}

import { buildSpecSchema } from '@modelspec/core';
import { writeFile } from 'node:fs/promises';
import { specLoader } from '../spec-files.js';
import { outputError } from '../output-dir.js';
import type { Io } from '../io.js';

export const schemaText = () => JSON.stringify(buildSpecSchema(specLoader().reg), null, 2) + '\n';

export async function schemaCommand(o: { write?: string }, io: Io): Promise<number> {
  const text = schemaText();
  if (o.write) {
    await writeFile(o.write, text).catch((e: unknown) => {
      throw outputError(e, { path: o.write, verb: 'write' }) ?? e;
    });
    io.err(`wrote ${o.write}`);
  } else io.out(text.trimEnd());
  return 0;
}

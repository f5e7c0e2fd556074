import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelspecError } from '@modelspec/core';
import type { Io } from '../io.js';

interface PlaygroundServe {
  DIST: string;
  startServer(o: { port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
}

/**
 * `modelspec web`: serves the playground (apps/playground, built by `npm run
 * build`) with the headers it needs: cross-origin isolation (COOP/COEP) and a
 * Content-Security-Policy without eval; Fashion-MNIST from the Debian package
 * under /datasets/fashion-mnist/. The playground is found next to the CLI in
 * this repository's workspaces (it is not published).
 */
export async function webCommand(o: { port?: number; host?: string }, io: Io): Promise<number> {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('@modelspec/playground/package.json');
  } catch {
    throw new ModelspecError('no-playground', 'the playground (@modelspec/playground) is not installed here', 'it is the apps/playground workspace of the modelspec repository: run this from a checkout set up with `bash scripts/setup.sh`');
  }
  const serve = (await import(pathToFileURL(join(dirname(pkg), 'serve.js')).href)) as PlaygroundServe;
  if (!existsSync(join(serve.DIST, 'index.html'))) {
    throw new ModelspecError('playground-not-built', `the playground is not built (no ${join(serve.DIST, 'index.html')})`, 'build it with `npm run build` (or `npm run build -w @modelspec/playground`)');
  }
  const s = await serve.startServer({ port: o.port ?? 5178, host: o.host ?? '127.0.0.1' });
  io.out(`modelspec playground: ${s.url}  (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => void s.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

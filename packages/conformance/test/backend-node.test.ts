import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsRunStore, nodeBackend } from '@modelspec/backend-node';
import { backendSuite } from '@modelspec/conformance/vitest';
import { afterAll } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'modelspec-conformance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let stores = 0;
backendSuite({
  backend: nodeBackend(),
  modelLocation: (name) => join(root, 'models', name),
  store: () => new FsRunStore(join(root, `runs-${++stores}`)),
});

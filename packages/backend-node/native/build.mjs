#!/usr/bin/env node
// Builds the native engine's N-API addon with node-gyp. Never fails the
// install: on error it prints a warning and records the log, which the
// engine's probe() reports together with the fix.
//
//   node native/build.mjs            build (the package's install script); skipped
//                                    when the addon is newer than every source
//   node native/build.mjs --force    rebuild anyway
//   node native/build.mjs --clean    remove native/build first (implies --force)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, 'build');
const logFile = join(buildDir, 'build-status.json');

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  // npm's bundled node-gyp, next to the npm that runs us or the one on PATH
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(here, '..', '..', '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const c of candidates) {
    try {
      if (existsSync(c)) return realpathSync(c);
    } catch {
      /* next */
    }
  }
  return null;
}

// Use the headers of the running node when they are installed next to it
// (Debian/NodeSource/official tarballs), so no download is needed.
function localNodeDir() {
  if (process.env.npm_config_nodedir) return null;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function record(ok, detail) {
  try {
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(logFile, JSON.stringify({ ok, detail, node: process.version, at: new Date().toISOString() }, null, 2) + '\n');
  } catch {
    /* read-only install: nothing to record */
  }
}

function upToDate() {
  const addon = join(buildDir, 'Release', 'modelspec_native.node');
  try {
    const status = JSON.parse(readFileSync(logFile, 'utf8'));
    if (!status.ok || !existsSync(addon)) return false;
    const built = statSync(addon).mtimeMs;
    const sources = ['binding.gyp', 'build.mjs', ...readdirSync(join(here, 'src')).map((f) => join('src', f))];
    return sources.every((f) => statSync(join(here, f)).mtimeMs <= built);
  } catch {
    return false;
  }
}

if (process.argv.includes('--clean')) rmSync(buildDir, { recursive: true, force: true });
if (!process.argv.includes('--force') && upToDate()) {
  console.log('[modelspec native] addon up to date (node native/build.mjs --force to rebuild)');
  process.exit(0);
}
if (process.env.MODELSPEC_SKIP_NATIVE) {
  console.warn('[modelspec native] MODELSPEC_SKIP_NATIVE set: not building the native engine.');
  record(false, 'build skipped (MODELSPEC_SKIP_NATIVE)');
  process.exit(0);
}

const gyp = findNodeGyp();
if (!gyp) {
  const msg = 'node-gyp not found (it ships with npm)';
  console.warn(`[modelspec native] warning: ${msg}; the native engine will be unavailable.`);
  record(false, msg);
  process.exit(0);
}
const args = [gyp, 'rebuild'];
const nodedir = localNodeDir();
if (nodedir) args.push(`--nodedir=${nodedir}`);
const res = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', env: process.env });
const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
if (res.status === 0) {
  record(true, 'built');
  console.log('[modelspec native] built native/build/Release/modelspec_native.node');
} else {
  const tail = out.split('\n').filter((l) => /error|not found|No such file/i.test(l)).slice(0, 8).join('\n') || out.slice(-2000);
  record(false, tail);
  console.warn(
    '[modelspec native] warning: building the native engine failed; it will be unavailable.\n' +
      '  fix: apt-get install -y libopenblas-dev build-essential python3 && npm rebuild @modelspec/backend-node\n' +
      tail,
  );
}
process.exit(0);

import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelspecError, PluginError, pluginPackageName, type PluginEntry } from '@modelspec/core';

const isPath = (name: string) => name.startsWith('.') || isAbsolute(name);

/** The module a package folder exports (its `exports["."]` for import, else `main`, else index.js). */
async function packageEntry(dir: string): Promise<string> {
  let pkg: Record<string, unknown> = {};
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ModelspecError('plugin-unreadable', `${join(dir, 'package.json')}: ${(e as Error).message}`);
  }
  const pick = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      return pick(o['.'] ?? o['import'] ?? o['default'] ?? o['node']);
    }
    return undefined;
  };
  return join(dir, pick(pkg['exports']) ?? (typeof pkg['main'] === 'string' ? pkg['main'] : 'index.js'));
}

/** Where a plugin's module is: a path (file or package folder), or a package found from `baseDir` by its ESLint-style name. */
export async function resolvePlugin(name: string, baseDir: string): Promise<string> {
  if (isPath(name)) {
    const p = resolve(baseDir, name);
    const s = await stat(p).catch(() => null);
    if (!s) throw new ModelspecError('plugin-not-found', `plugin ${name}: ${p} does not exist`);
    return s.isDirectory() ? packageEntry(p) : p;
  }
  const pkg = pluginPackageName(name);
  // Node's own search path for the package (node_modules up from baseDir); not require.resolve of
  // package.json, which a package's `exports` map may hide
  const paths = createRequire(join(baseDir, 'noop.js')).resolve.paths(pkg) ?? [];
  for (const dir of paths) {
    const s = await stat(join(dir, pkg, 'package.json')).catch(() => null);
    if (s?.isFile()) return packageEntry(join(dir, pkg));
  }
  throw new ModelspecError('plugin-not-found', `cannot find the plugin "${name}": no package ${pkg} is installed for ${baseDir}`, `npm install ${pkg}, or give the plugin's path (--plugin ./path/to/plugin)`);
}

/**
 * Loads a plugin by name or path (an explicit opt-in: a command-line flag or
 * the project config, never a spec): resolves it, imports it, and takes its
 * default export. The plugin host then checks it.
 */
export async function loadPlugin(name: string, baseDir: string): Promise<PluginEntry> {
  const file = await resolvePlugin(name, baseDir);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(file)) {
      throw new ModelspecError('plugin-not-built', `plugin ${name}: ${file} does not exist`, 'build the plugin first (npm run build)');
    }
    throw new PluginError(name, `failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  return { plugin: mod['default'] ?? mod['plugin'], source: name };
}

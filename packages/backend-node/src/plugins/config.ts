import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ModelspecError } from '@modelspec/core';

/** A project's modelspec settings, and the file they came from. */
export interface ProjectConfig {
  file: string;
  /** Plugins to load (names or paths, relative to the config file's folder). */
  plugins: string[];
}

const FILES = ['modelspec.config.json', 'modelspec.config.yaml', 'modelspec.config.yml'];

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
    throw new ModelspecError('config-unreadable', `${path}: cannot read: ${(e as Error).message}`);
  }
}

function settings(value: unknown, file: string): ProjectConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelspecError('invalid-config', `${file}: expected a mapping with "plugins"`);
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => k !== 'plugins' && k !== '$schema');
  if (unknown.length) throw new ModelspecError('invalid-config', `${file}: unknown setting "${unknown[0]}" (a modelspec config has "plugins")`);
  const plugins = v['plugins'] ?? [];
  if (!Array.isArray(plugins) || !plugins.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new ModelspecError('invalid-config', `${file}: "plugins" must be a list of plugin names or paths`, 'for example: { "plugins": ["acme", "./plugins/local"] }');
  }
  return { file, plugins };
}

/**
 * The project's config, as ESLint finds its config: from `cwd` upward, the
 * first folder with `modelspec.config.json|yaml|yml`, or a package.json with a
 * `modelspec` key. Null when there is none.
 */
export async function findProjectConfig(cwd: string): Promise<ProjectConfig | null> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of FILES) {
      const file = join(dir, name);
      const text = await readText(file);
      if (text === null) continue;
      let value: unknown;
      try {
        value = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      } catch (e) {
        throw new ModelspecError('invalid-config', `${file}: not valid ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
      }
      return settings(value, file);
    }
    const pkg = await readText(join(dir, 'package.json'));
    if (pkg !== null) {
      try {
        const json = JSON.parse(pkg) as Record<string, unknown>;
        if (json['modelspec'] !== undefined) return settings(json['modelspec'], join(dir, 'package.json'));
      } catch {
        // a broken package.json is npm's business; it holds no modelspec settings we can read
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

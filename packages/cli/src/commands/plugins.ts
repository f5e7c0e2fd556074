import { CONTRIBUTIONS } from '@modelspec/core';
import { composed } from '../compose.js';
import type { Io } from '../io.js';

/** What is loaded: every plugin (built-ins first), its version, where it came from and what it adds. */
export async function pluginsCommand(o: { json?: boolean }, io: Io): Promise<number> {
  const c = composed();
  if (o.json) {
    io.out(JSON.stringify({ configFile: c.configFile, plugins: c.host.plugins }, null, 2));
    return 0;
  }
  for (const p of c.host.plugins) {
    io.out(`${p.name}@${p.version}  ${p.source ? `from ${p.source}` : 'built in'}${p.namespace ? `, kinds as ${p.namespace}/<type>` : ''}`);
    if (p.description) io.out(`  ${p.description}`);
    for (const key of CONTRIBUTIONS) {
      const names = p.adds[key];
      if (names?.length) io.out(`  ${key.padEnd(13)} ${names.join(', ')}`);
    }
  }
  if (c.configFile) io.out(`(plugins listed in ${c.configFile})`);
  return 0;
}

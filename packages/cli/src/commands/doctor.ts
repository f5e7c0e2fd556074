import { builtinDatasets, loadDataset, type DataError } from '@modelspec/core';
import { composed } from '../compose.js';
import type { Io } from '../io.js';

/** What works on this machine, what does not, and the fix for each problem. */
export async function doctorCommand(o: { json?: boolean; datasets?: boolean }, io: Io): Promise<number> {
  const c = composed();
  const backend = c.backend();
  const [major] = process.versions.node.split('.').map(Number);
  const node = { version: process.version, ok: (major ?? 0) >= 20, fix: 'install Node.js 20 or newer' };
  const engines = await backend.engines();
  const chosen = engines.find((e) => e.available);
  const datasets: { name: string; ok: boolean; files?: Record<string, { location: string; sha256: string }>; error?: string; fix?: string }[] = [];
  if (o.datasets !== false) {
    for (const kind of [builtinDatasets.fashionMnist, builtinDatasets.mnist]) {
      try {
        const r = await loadDataset(kind, { dir: null }, backend.data);
        datasets.push({ name: kind.type, ok: true, files: r.files });
      } catch (e) {
        datasets.push({ name: kind.type, ok: false, error: (e as Error).message, fix: (e as DataError).hint });
      }
    }
  }
  const ok = node.ok && Boolean(chosen) && datasets.every((d) => d.ok);
  if (o.json) {
    io.out(JSON.stringify({ ok, node, plugins: c.host.plugins, configFile: c.configFile, engines, chosenEngine: chosen?.name ?? null, datasets }, null, 2));
    return ok ? 0 : 1;
  }
  const mark = (b: boolean) => (b ? 'ok  ' : 'FAIL');
  io.out(`${mark(node.ok)} Node.js ${node.version}${node.ok ? '' : `  fix: ${node.fix}`}`);
  io.out(`plugins${c.configFile ? ` (${c.configFile} and --plugin)` : ''}:`);
  for (const p of c.host.plugins) io.out(`  ok   ${p.name}@${p.version}${p.source ? ` (from ${p.source})` : ' (built in)'}`);
  io.out('engines (best first):');
  for (const e of engines) {
    io.out(`  ${e.available ? 'ok  ' : 'no  '} ${e.name.padEnd(10)} ${e.available ? e.description : `${e.reason}${e.fix ? `\n             fix: ${e.fix}` : ''}`}`);
    // a GPU engine names its adapter and why it was or was not chosen
    if (e.available && e.adapter) {
      const a = e.adapter;
      io.out(`             adapter: ${a.vendor}${a.architecture ? ` ${a.architecture}` : ''}${a.backend ? `, ${a.backend}` : ''} (${a.software ? 'software' : 'hardware'})`);
      io.out(`             ${a.software ? `not chosen by default: a software adapter is for tests; use it with --engine ${e.name}` : e === chosen ? 'chosen: a hardware GPU adapter ranks above every CPU engine' : 'a hardware GPU adapter'}`);
    }
  }
  io.out(`  chosen by default: ${chosen?.name ?? 'none'}`);
  if (datasets.length) io.out('datasets (checksums verified):');
  for (const d of datasets) {
    if (d.ok) io.out(`  ok   ${d.name.padEnd(12)} ${Object.values(d.files!)[0]!.location.replace(/[^/]*$/, '')}`);
    else io.out(`  FAIL ${d.name.padEnd(12)} ${d.error}${d.fix ? `\n       fix: ${d.fix}` : ''}`);
  }
  return ok ? 0 : 1;
}

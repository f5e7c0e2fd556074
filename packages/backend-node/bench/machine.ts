/** The machine and the software versions a benchmark ran on, as rows of label and value. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

const require = createRequire(import.meta.url);
const read = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

export const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
export const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export function machineRows(): [string, string][] {
  const info = read('/proc/cpuinfo');
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1];
  const model = field('model name') ?? cpus()[0]?.model ?? 'unknown';
  const family = field('cpu family') ? `, family ${field('cpu family')} model ${field('model')}` : '';
  const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(' ') ?? [];
  const simd = ['avx2', 'fma', 'avx512f'].filter((f) => flags.includes(f));
  const cores = new Set(info.split('\n\n').filter((b) => b.includes('processor')).map((b) => `${/^physical id\s*:\s*(\d+)/m.exec(b)?.[1]}/${/^core id\s*:\s*(\d+)/m.exec(b)?.[1]}`)).size;
  const os = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(read('/etc/os-release'))?.[1] ?? process.platform;
  const hypervisor = flags.includes('hypervisor') ? ', virtual machine' : '';
  return [
    ['CPU', `${model}${family}${simd.length ? `, ${simd.join(', ')}` : ''}${hypervisor}`],
    ['Cores', `${cores || '?'} core(s), ${cpus().length} logical CPU(s), ${availableParallelism()} available to this process`],
    ['Memory', gib(totalmem())],
    ['OS', `${os}, Linux ${release()}`],
  ];
}

const pkgVersion = (name: string) => {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};

/** Installed Debian packages among `names`, as "name version". */
export function debianPackages(names: string[]): string[] {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version}\n', ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n').filter((l) => l.startsWith('installed ')).map((l) => l.slice('installed '.length));
  } catch (e) {
    // dpkg-query exits 1 when some names are unknown but still prints the rest.
    const out = (e as { stdout?: string }).stdout ?? '';
    return out.split('\n').filter((l) => l.startsWith('installed ')).map((l) => l.slice('installed '.length));
  }
}

export function tfjsVersions(): [string, string][] {
  return ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node']
    .map((n) => [n, pkgVersion(n)]);
}

import type { RunEvent } from '@modelspec/core';
import type { Io } from './io.js';
import type { Progress } from './progress.js';
import { shown } from './spec-files.js';

/**
 * How the CLI shows a run's events: the engine (and why another one could
 * not train the model), where the records go, live progress and epoch lines.
 * The same events come from a run in this process or elsewhere.
 */
export function renderRunEvent(e: RunEvent, io: Io, progress: Progress, label: string, o: { announce?: boolean } = {}): void {
  switch (e.type) {
    case 'started': {
      const from = e.fellBackFrom ? ` (${e.fellBackFrom.name} cannot train this model: ${e.fellBackFrom.reason})` : '';
      const a = e.engine.adapter;
      const gpu = a ? ` on ${a.vendor}${a.architecture ? ` ${a.architecture}` : ''}${a.backend ? `, ${a.backend}` : ''}${a.software ? ' (a software adapter)' : ''}` : '';
      if (o.announce || from || gpu) io.err(`${label}: engine ${e.engine.name}${gpu}${from}`);
      const resumed = e.resumedFrom !== null ? `resuming after epoch ${e.resumedFrom}` : '';
      if (o.announce) io.err(`${label}: ${e.counts.train} training / ${e.counts.validation} validation / ${e.counts.test} test examples${resumed && `, ${resumed}`}${e.location ? ` → ${shown(e.location)}` : ''}`);
      else if (resumed) io.err(`${label}: ${resumed}, from its checkpoint`);
      break;
    }
    case 'reused':
      io.err(`${label}: already ran to the end${e.outcome.location ? ` in ${shown(e.outcome.location)}` : ''}; reusing it (--fresh runs it again)`);
      break;
    case 'batch':
      progress.batch(e.progress);
      break;
    case 'epoch':
      progress.epoch(e.record);
      break;
    default:
      break;
  }
}

import { cpuEngine } from '@modelspec/backend-node';
import { engineSuite } from '@modelspec/conformance/vitest';

engineSuite({ engine: cpuEngine });

import { wasmEngine } from '@modelspec/backend-node';
import { engineSuite } from '@modelspec/conformance/vitest';

engineSuite({ engine: wasmEngine });

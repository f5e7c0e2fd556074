import { nativeEngine } from '@modelspec/backend-node';
import { engineSuite } from '@modelspec/conformance/vitest';
import { describe, it } from 'vitest';

// The addon is built at install; where it could not be, say why instead of failing on every check.
const probe = await nativeEngine.probe();
if (probe.available) engineSuite({ engine: nativeEngine });
else describe.skip(`conformance: engine native (${probe.reason})`, () => it('needs the addon', () => {}));

// modelspec's conformance kit on the plugin's engine, as users get it from the
// plugin host (`example/js`): tfjs-core's own tests on its backend, each
// declared kernel against tfjs cpu, training against tfjs cpu and under its
// declared determinism, save and load. One engine per test file: tfjs's
// state is per process.
import { createPluginHost } from '@modelspec/core';
import { engineSuite } from '@modelspec/conformance/vitest';
import plugin from './index.js';

engineSuite({ engine: createPluginHost([{ plugin }]).engines.get('example/js')! });

// Writes schema/modelspec.schema.json: modelspec's spec schema with this
// plugin's kinds, for the `$schema` line of specs that use them. Run after
// a build (`npm run build`), and whenever modelspec's own schema changes;
// src/plugin.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { buildSpecSchema, createPluginHost } from '@modelspec/core';
import plugin from '../dist/index.js';

const file = new URL('../schema/modelspec.schema.json', import.meta.url);
const host = createPluginHost([{ plugin, source: plugin.name }]);
writeFileSync(file, JSON.stringify(buildSpecSchema(host.registries), null, 2) + '\n');
console.error('wrote schema/modelspec.schema.json');

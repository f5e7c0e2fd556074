// Writes generated/validate-builtins.js: the spec validator for modelspec's
// built-in kinds as Ajv standalone code, so a page under a strict
// Content-Security-Policy validates specs without eval. Run by `npm run build`
// from core's source (the playground bundles core from source too, so the two
// schemas are the same one); the output is not checked in.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createPluginHost, standaloneValidatorModule } from '@modelspec/core';

const out = new URL('../generated/', import.meta.url);
mkdirSync(out, { recursive: true });
const code = standaloneValidatorModule(createPluginHost().registries);
writeFileSync(new URL('validate-builtins.js', out), code);
writeFileSync(
  new URL('validate-builtins.d.ts', out),
  [
    "import type { ValidateFunction } from 'ajv';",
    '/** The spec validator for the built-in kinds (Ajv standalone code). */',
    'export declare const validate: ValidateFunction;',
    'export default validate;',
    '/** The digest of the schema it was generated from (see validationSchemaDigest). */',
    'export declare const schemaDigest: string;',
    '',
  ].join('\n'),
);
console.log(`backend-web: generated/validate-builtins.js (${(code.length / 1024).toFixed(0)} KiB)`);

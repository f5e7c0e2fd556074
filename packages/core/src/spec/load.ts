import { issue, type Issue } from '../errors.js';
import { checkSpec, type CheckOptions, type CheckReport } from '../check/check.js';
import { parseSpecText, type ParsedSource } from './parse.js';
import { composeSpec, type SpecReader } from './compose.js';
import { upgradeSpec } from './upgrade.js';
import { applyOverrides } from './overrides.js';
import type { Registries } from './registries.js';
import type { ResolvedModelSpec } from './schema.js';
import { createValidator, type Validator } from './validate.js';
import type { PrecompiledValidator } from './validate-standalone.js';

export interface LoadOptions extends CheckOptions {
  /** `path → value` overrides applied before validation (`--set`, `--epochs`, `--seed`). */
  overrides?: Record<string, unknown>;
}

export interface LoadedSpec {
  file: string;
  spec: ResolvedModelSpec;
  check: CheckReport;
  source: ParsedSource;
  /** Warnings (errors make `ok` false). */
  issues: Issue[];
}

export type LoadResult = ({ ok: true } & LoadedSpec) | { ok: false; file: string; issues: Issue[] };

/** A spec pipeline with its registries and compiled validator, reused across files. */
export interface SpecLoader {
  readonly validator: Validator;
  /** parse → upgrade → validate → check, collecting every problem with its location. */
  load(text: string, file: string, opts?: LoadOptions): LoadResult;
  /** The same, after resolving `extends` (each base read with `read`) and merging. */
  loadComposed(text: string, file: string, read: SpecReader, opts?: LoadOptions): Promise<LoadResult>;
}

/** `opts.precompiled`: the validator as Ajv standalone code (see createValidator), for pages that forbid `eval`. */
export function createSpecLoader(reg: Registries, opts: { precompiled?: PrecompiledValidator } = {}): SpecLoader {
  const validator = createValidator(reg, opts.precompiled);

  const fromSource = (source: ParsedSource, opts?: LoadOptions): LoadResult => {
    const file = source.file;
    const locate = (i: Issue): Issue => (i.loc ? i : { ...i, loc: source.locate(i.path) ?? { file, line: 1, col: 1 } });
    const up = upgradeSpec(source.data as Record<string, unknown>);
    if (up.issues.length) return { ok: false, file, issues: up.issues.map(locate) };
    const over = applyOverrides(up.data, opts?.overrides ?? {});
    if (over.issues.length) return { ok: false, file, issues: over.issues.map(locate) };
    const v = validator.validate(over.data, source);
    if (!v.ok) return { ok: false, file, issues: v.issues.map(locate) };
    const overridden = Object.keys(opts?.overrides ?? {}).some((k) => k !== 'seed' && k !== 'training.epochs');
    const check = checkSpec(v.spec, reg, { parameterMismatch: overridden ? 'warning' : 'error', ...opts });
    const issues = check.issues.slice(0, 50).map(locate);
    if (issues.some((i) => i.severity === 'error')) return { ok: false, file, issues };
    return { ok: true, file, spec: v.spec, check, source, issues };
  };

  return {
    validator,
    load(text, file, opts) {
      const parsed = parseSpecText(text, file);
      if (!parsed.ok) return { ok: false, file, issues: parsed.issues };
      if ((parsed.source.data as Record<string, unknown>)['extends'] !== undefined) {
        const loc = parsed.source.locate('extends');
        return { ok: false, file, issues: [issue('extends-unresolved', 'extends', 'this spec extends another, which only loadComposed (with a file reader) can resolve', loc ? { loc } : {})] };
      }
      return fromSource(parsed.source, opts);
    },
    async loadComposed(text, file, read, opts) {
      const composed = await composeSpec(text, file, read);
      return composed.ok ? fromSource(composed.source, opts) : { ok: false, file, issues: composed.issues };
    },
  };
}

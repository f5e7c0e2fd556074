/**
 * Errors are data. Every problem modelspec finds in user input is an `Issue`;
 * thrown errors are the few classes below, each with a stable `code`.
 * Rendering lives in `render.ts`, nowhere else.
 */

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Issue {
  /** Stable, kebab-case identifier, e.g. `unknown-type`, `shape-mismatch`. */
  code: string;
  severity: Severity;
  /** Path into the spec, e.g. `model.layers.3.kernelSize`. Empty for file-level problems. */
  path: string;
  message: string;
  hint?: string;
  expected?: string;
  received?: string;
  loc?: SourceLocation;
}

export function issue(
  code: string,
  path: string,
  message: string,
  extra: Partial<Omit<Issue, 'code' | 'path' | 'message'>> = {},
): Issue {
  return { code, severity: 'error', path, message, ...extra };
}

/** Base class: every error modelspec throws carries a stable code. */
export class ModelspecError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A user's spec (or a derived resolved spec) has problems; all of them are listed. */
export class SpecError extends ModelspecError {
  constructor(
    readonly issues: Issue[],
    readonly file?: string,
  ) {
    super('invalid-spec', `${file ?? 'spec'}: ${issues.filter((i) => i.severity === 'error').length} problem(s)`);
  }
}

/** A dataset file is missing, corrupt or does not match its checksum. */
export class DataError extends ModelspecError {
  constructor(
    code: string,
    readonly file: string,
    message: string,
    hint?: string,
  ) {
    super(code, `${file}: ${message}`, hint);
  }
}

/** A plugin (layer, optimizer, backend, ...) is itself broken: the author's bug, not the user's. */
export class PluginError extends ModelspecError {
  constructor(
    readonly plugin: string,
    message: string,
  ) {
    super('invalid-plugin', `plugin ${plugin}: ${message}`);
  }
}

/** Training or evaluation failed at run time (non-finite loss, engine failure, ...). */
export class RunError extends ModelspecError {}

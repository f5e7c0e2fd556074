// The spec editor: CodeMirror 6 with YAML (or JSON), the schema's completion
// and hover (schema-help.ts), and modelspec's own problems as diagnostics at
// their line and column (the same messages as `modelspec validate`).
import { basicSetup } from 'codemirror';
import { EditorView, hoverTooltip } from '@codemirror/view';
import { Compartment, EditorState } from '@codemirror/state';
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { json } from '@codemirror/lang-json';
import type { Issue } from '@modelspec/core';
import { SchemaHelp, yamlContext, yamlWordAt } from './schema-help.js';

export interface SpecEditor {
  view: EditorView;
  text(): string;
  setText(text: string, file: string): void;
  showIssues(issues: readonly Issue[]): Diagnostic[];
}

/** Markdown-ish text as plain paragraphs (no HTML from the schema reaches the page). */
function infoNode(text: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'cm-schema-info';
  for (const para of text.split(/\n{2,}/)) {
    const p = document.createElement('p');
    p.textContent = para.replace(/\*\*|`/g, '');
    div.append(p);
  }
  return div;
}

export function issueRange(doc: EditorState['doc'], i: Issue): { from: number; to: number } {
  const line = doc.line(Math.min(Math.max(1, i.loc?.line ?? 1), doc.lines));
  const from = Math.min(line.from + Math.max(0, (i.loc?.col ?? 1) - 1), line.to);
  const word = /^[^\s,}\]]+/.exec(line.text.slice(from - line.from));
  return { from, to: Math.max(from + (word?.[0].length ?? 0), Math.min(from + 1, line.to)) };
}

export function createEditor(parent: HTMLElement, schema: Record<string, unknown>, onChange: (text: string) => void): SpecEditor {
  const help = new SchemaHelp(schema);
  const language = new Compartment();
  let file = 'spec.yaml';

  const complete = (ctx: CompletionContext): CompletionResult | null => {
    const text = ctx.state.doc.toString();
    const where = yamlContext(text, ctx.pos);
    if (!where) return null;
    const options = where.kind === 'key' ? help.properties(where.path, where.data, where.present) : help.values(where.path, where.data);
    if (!options.length) return null;
    return {
      from: where.from,
      options: options.map((o) => ({ label: o.label, apply: o.apply, detail: o.detail, type: o.kind === 'property' ? 'property' : 'enum', info: o.info ? () => infoNode(o.info) : undefined })),
      validFor: /^[\w$]*$/,
    };
  };

  const hover = hoverTooltip((view, pos) => {
    const text = view.state.doc.toString();
    const w = yamlWordAt(text, pos);
    if (!w) return null;
    const info = help.hover(w.path, yamlContext(text, w.to)?.data, w.value);
    if (!info) return null;
    return { pos: w.from, end: w.to, above: true, create: () => ({ dom: infoNode(`${w.path.join('.')}\n\n${info}`) }) };
  });

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        basicSetup,
        language.of(yaml()),
        autocompletion({ override: [complete] }),
        hover,
        lintGutter(),
        // diagnostics come from modelspec's loader (setDiagnostics below); this keeps the lint panel wired
        linter(null),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text, name) {
      file = name;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, effects: language.reconfigure(file.endsWith('.json') ? json() : yaml()) });
    },
    showIssues(issues) {
      const diags: Diagnostic[] = issues.map((i) => ({
        ...issueRange(view.state.doc, i),
        severity: i.severity === 'warning' ? 'warning' : 'error',
        message: `${i.message}${i.hint ? ` (${i.hint})` : ''}`,
        source: i.code,
      }));
      view.dispatch(setDiagnostics(view.state, diags));
      return diags;
    },
  };
}

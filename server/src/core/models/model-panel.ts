/**
 * @file A model run for the editor's panel: the entry named, with `key=value` arguments the reviewer can
 * change and run again. The document stands for a `patch` parameter; nothing else is read from files
 * (a `topology=FILE` run is the command line's), so a panel's arguments cannot make the host read a path.
 */
import type { ParsedSeries } from '../c/syntax/parsed';
import type { CParser } from '../c/syntax/parser';
import type { ModelRunArgs } from '../findings';
import { MODELS, ModelArgumentError, type ModelEntry } from './registry';

/** The parameters the panel shows: not the document (implied) nor files (the command line's). */
const NOT_IN_PANEL = new Set(['patch', 'topology']);
/** Longest value the panel passes on: arguments are numbers, sizes, names and a short C check. */
const MAX_VALUE = 500;

export interface PanelParam {
  name: string;
  description: string;
  /** The value this run used, or empty when the model's default applied. */
  value: string;
  default?: string;
}

export interface ModelPanel {
  title: string;
  markdown: string;
  svg?: string;
  /** The run again with other arguments; absent for a view that cannot be re-run. */
  form?: { model: string; params: PanelParam[] };
  /** The arguments were refused: the panel shows why above the form. */
  error?: string;
}

export interface PanelHost {
  parser: CParser;
  /** The document the panel belongs to, analysed; null when it is not (yet). */
  document: ParsedSeries | null;
}

/** The form for a model's arguments, filled with `args`; null for an unknown model. */
export function panelForm(run: ModelRunArgs): ModelPanel['form'] | null {
  const entry = MODELS.find((m) => m.id === run.model);
  return entry ? formOf(entry, run.args) : null;
}

function formOf(entry: ModelEntry, args: Record<string, string>): NonNullable<ModelPanel['form']> {
  return {
    model: entry.id,
    params: entry.params
      .filter((p) => !NOT_IN_PANEL.has(p.name))
      .map((p) => ({ name: p.name, description: p.description, value: args[p.name] ?? '', ...(p.default !== undefined ? { default: p.default } : {}) })),
  };
}

const DOCUMENT = 'this document';

/** Runs the model; refusals, the model's argument errors and its failures come back as `error`, never thrown. */
export function runForPanel(run: ModelRunArgs, host: PanelHost): ModelPanel {
  const entry = MODELS.find((m) => m.id === run.model);
  if (!entry) return { title: `No model ${run.model}`, markdown: '', error: `There is no model named ${run.model}.` };
  const form = formOf(entry, run.args);
  const args = new Map<string, string>();
  for (const [k, v] of Object.entries(run.args)) {
    if (typeof v !== 'string' || v.trim() === '') continue;
    if (!form.params.some((p) => p.name === k)) return refused(entry.id, form, `${entry.id} takes no parameter ${k} here`);
    if (v.length > MAX_VALUE) return refused(entry.id, form, `${k}: longer than ${MAX_VALUE} characters`);
    args.set(k, v.trim());
  }
  if (entry.params.some((p) => p.name === 'patch')) {
    if (!host.document) return refused(entry.id, form, 'the document has not been analysed yet');
    args.set('patch', DOCUMENT);
  }
  try {
    const out = entry.run(args, {
      parser: host.parser,
      analyse: (path) => {
        if (path !== DOCUMENT || !host.document) throw new ModelArgumentError('the panel runs models on its own document only');
        return host.document;
      },
      read: () => {
        throw new ModelArgumentError('files are read by the command line only (mm-review model …)');
      },
    });
    const shown = [...args].filter(([k]) => k !== 'patch').map(([k, v]) => `${k}=${v}`);
    return {
      title: `${entry.id}${shown.length ? ` (${shown.join(' ')})` : ''}`,
      markdown: out.text,
      ...(out.svg ? { svg: out.svg } : {}),
      form,
    };
  } catch (e) {
    return refused(entry.id, form, e instanceof ModelArgumentError ? e.message : `the model failed: ${(e as Error).message}`);
  }
}

const refused = (id: string, form: NonNullable<ModelPanel['form']>, error: string): ModelPanel => ({ title: id, markdown: '', form, error });

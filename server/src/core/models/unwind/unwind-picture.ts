/**
 * @file The unwind model's runs as a matrix: a row per allocation made to fail (and one where none does),
 * a column per loop index where it fails inside a loop, each cell coloured by how that run ended (clean, a
 * leak, a double free, a free of what was never allocated); a cell's tooltip says what was left.
 */
import type { ModelView } from '../../findings';
import { COLOURS, rect, svgDocument, text, textWidth, tooltip } from '../picture';
import type { UnwindOutcome } from './unwind';

const CELL_W = 64;
const CELL_H = 24;
const TOP = 44;
const MAX_COLUMNS = 16;

const LOOK: Record<UnwindOutcome['result'], { colour: string; label: string; meaning: string }> = {
  clean: { colour: COLOURS.good, label: 'clean', meaning: 'clean: nothing left, nothing freed twice' },
  leak: { colour: COLOURS.bad, label: 'leak', meaning: 'leak: the failing path returns holding it' },
  doubleFree: { colour: COLOURS.bad, label: '2× free', meaning: '2× free: freed twice' },
  freedUnacquired: { colour: COLOURS.caution, label: 'bad free', meaning: 'bad free: frees what was never allocated' },
  stopped: { colour: COLOURS.muted, label: '?', meaning: '?: the model could not finish the run' },
};

interface Row {
  label: string;
  cells: Map<number, UnwindOutcome>;
}

/** Rows by failing call and where its result goes (`page[i]` one row, its indices the columns). */
function rowsOf(outcomes: UnwindOutcome[]): Row[] {
  const rows = new Map<string, Row>();
  for (const o of outcomes) {
    const index = o.name ? /\[(\d+)\]$/.exec(o.name) : null;
    const base = o.name ? o.name.replace(/\[\d+\]$/, index ? '[i]' : '') : null;
    const label = o.call ? `${o.call}()${base ? ` for ${base}` : ''} fails` : 'nothing fails';
    const row = rows.get(label) ?? { label, cells: new Map() };
    const column = index ? Number(index[1]) : 0;
    if (column < MAX_COLUMNS && !row.cells.has(column)) row.cells.set(column, o);
    rows.set(label, row);
  }
  return [...rows.values()];
}

export function unwindMatrix(target: string, outcomes: UnwindOutcome[]): string {
  const rows = rowsOf(outcomes);
  const columns = Math.max(1, ...rows.map((r) => Math.max(...r.cells.keys()) + 1));
  const labelW = Math.min(360, Math.max(140, Math.max(...rows.map((r) => textWidth(r.label))) + 16));
  const x0 = 8;
  const xCells = x0 + labelW;
  const legend = Object.values(LOOK).filter((l) => rows.some((r) => [...r.cells.values()].some((o) => LOOK[o.result] === l)));
  const title = `Unwind model: ${target}() with each allocation failing in turn`;
  const width = Math.max(xCells + columns * CELL_W + 8, x0 + Math.max(...legend.map((l) => textWidth(l.meaning))) + 40, x0 + textWidth(title, true) + 16);
  const height = TOP + rows.length * CELL_H + 16 + legend.length * 18;
  const body: string[] = [text(x0, 18, title, 'font-weight="bold"')];
  if (columns > 1) for (let c = 0; c < columns; c++) body.push(text(xCells + c * CELL_W + 6, TOP - 8, `i = ${c}`, 'class="muted"'));
  rows.forEach((row, r) => {
    const y = TOP + r * CELL_H;
    body.push(text(x0, y + 16, row.label));
    for (const [c, o] of row.cells) {
      const look = LOOK[o.result];
      const tip = o.resources.length ? `${look.label}: ${o.resources.join(', ')}` : look.meaning;
      body.push(
        `<g class="run ${o.result}" data-fail-at="${o.failAt}">`,
        tooltip(tip),
        rect(xCells + c * CELL_W, y + 2, CELL_W - 4, CELL_H - 4, look.colour, 'rx="3" opacity="0.85"'),
        text(xCells + c * CELL_W + 6, y + 16, look.label),
        '</g>',
      );
    }
  });
  legend.forEach((l, i) => {
    const y = TOP + rows.length * CELL_H + 16 + i * 18;
    body.push(rect(x0, y - 10, 12, 12, l.colour, 'rx="2"'), text(x0 + 18, y, l.meaning, 'class="muted"'));
  });
  return svgDocument(Math.ceil(width), height, title, body);
}

/** The runs as a table, for the panel below the picture (and where no picture is shown). */
export function unwindRunsTable(outcomes: UnwindOutcome[]): string {
  const rows = outcomes.map(
    (o) =>
      `| ${o.failAt} | ${o.call ? `\`${o.call}()\`${o.name ? ` for \`${o.name}\`` : ''}` : 'nothing'} | ${LOOK[o.result].label} | ${o.resources.map((r) => `\`${r}\``).join(', ')} |`,
  );
  return ['| run | what fails | result | left or freed twice |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const RUN_RESULT: Record<UnwindOutcome['result'], [string, string]> = {
  clean: ['ends clean', 'end clean'],
  leak: ['leaks', 'leak'],
  doubleFree: ['frees something twice', 'free something twice'],
  freedUnacquired: ['frees what it did not take', 'free what they did not take'],
  stopped: ['could not be finished', 'could not be finished'],
};

/** The model's key figure in a sentence: how many runs, and how they ended. */
export function unwindFigure(target: string, outcomes: UnwindOutcome[]): string {
  const order: UnwindOutcome['result'][] = ['leak', 'doubleFree', 'freedUnacquired', 'stopped', 'clean'];
  const parts = order.flatMap((result) => {
    const n = outcomes.filter((o) => o.result === result).length;
    return n ? [`${n} run${n === 1 ? '' : 's'} ${RUN_RESULT[result][n === 1 ? 0 : 1]}`] : [];
  });
  return `the unwind model ran ${target}() ${outcomes.length} time${outcomes.length === 1 ? '' : 's'}, with every allocation succeeding, then each failing in turn: ${parts.join(', ')}`;
}

/** What a finding of the unwind model shows in the model panel: the verdict, the matrix, every run. */
export function unwindView(target: string, outcomes: UnwindOutcome[], explanation: string): ModelView {
  return {
    id: 'unwind',
    title: `Unwind model: ${target}()`,
    figure: unwindFigure(target, outcomes),
    markdown: [explanation, '', unwindRunsTable(outcomes)].join('\n'),
    svg: unwindMatrix(target, outcomes),
    run: { model: 'unwind', args: { function: target } },
  };
}

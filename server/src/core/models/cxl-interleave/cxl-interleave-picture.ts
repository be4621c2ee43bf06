/**
 * @file The CXL decode map as a picture: the window's first host addresses, one cell per interleave granule,
 * coloured by the device each decodes to (striped over the targets as the decoders route them), a cell that
 * decodes nowhere marked; then each address asked about, with its path through the levels or the level that
 * rejects it.
 */
import { COLOURS, fitLabel, rect, svgDocument, text, textWidth, tooltip } from '../picture';
import { decode, hex, type CxlRun } from './hdm-decoder';

const CELL_W = 48;
const CELL_H = 26;
const PER_ROW = 16;
const MAX_CELLS = 64;
/** A colour per device, from the theme's terminal palette (distinct in every theme). */
const DEVICE_COLOURS = [
  'var(--vscode-terminal-ansiBlue, #0451a5)',
  'var(--vscode-terminal-ansiGreen, #00bc00)',
  'var(--vscode-terminal-ansiYellow, #949800)',
  'var(--vscode-terminal-ansiMagenta, #bc05bc)',
  'var(--vscode-terminal-ansiCyan, #0598bc)',
  'var(--vscode-terminal-ansiBrightBlue, #0451a5)',
  'var(--vscode-terminal-ansiBrightGreen, #14ce14)',
  'var(--vscode-terminal-ansiBrightMagenta, #bc05bc)',
];

export function decodeMap(run: CxlRun): string {
  const t = run.topology;
  const all = [t.window, ...Object.values(t.hostBridges), ...Object.values(t.switches), ...Object.values(t.endpoints).flatMap((e) => e.decoders)];
  const granule = Math.min(...all.map((d) => d.granularity));
  const cells = Math.max(1, Math.min(MAX_CELLS, Math.floor(t.window.size / granule)));
  const devices = Object.keys(t.endpoints).sort();
  const colourOf = (id: string): string => DEVICE_COLOURS[devices.indexOf(id) % DEVICE_COLOURS.length];
  const rows = Math.ceil(cells / PER_ROW);
  const x0 = 8;
  const top = 52;
  const probesTop = top + rows * CELL_H + 24;
  const title = `CXL decode map: the first ${cells} granules of ${granule} B from ${hex(t.window.base)}`;
  const body: string[] = [text(x0, 18, title, 'font-weight="bold"'), text(x0, 36, 'each cell: the device its host address decodes to', 'class="muted"')];
  for (let g = 0; g < cells; g++) {
    const hpa = t.window.base + g * granule;
    const d = decode(t, hpa);
    const x = x0 + (g % PER_ROW) * CELL_W;
    const y = top + Math.floor(g / PER_ROW) * CELL_H;
    const tip = d.ok ? `${hex(hpa)} → ${d.path.map((h) => h.id).join(' → ')}, DPA ${hex(d.dpa)}` : `${hex(hpa)}: rejected at ${d.level} ${d.id}: ${d.reason}`;
    body.push(
      `<g class="granule${d.ok ? '' : ' rejected'}" data-hpa="${hex(hpa)}" data-device="${d.ok ? d.endpoint : ''}">`,
      tooltip(tip),
      rect(
        x,
        y,
        CELL_W - 3,
        CELL_H - 3,
        d.ok ? colourOf(d.endpoint) : 'none',
        d.ok ? 'rx="3" opacity="0.8"' : `rx="3" stroke="${COLOURS.bad}" stroke-width="2"`,
      ),
      text(x + 4, y + 16, d.ok ? fitLabel(d.endpoint, CELL_W - 8) : '✗'),
      '</g>',
    );
  }
  const asked = run.decoded.slice(0, 6);
  asked.forEach(({ hpa, result }, i) => {
    const y = probesTop + i * 18;
    body.push(
      text(
        x0,
        y,
        result.ok
          ? `${hex(hpa)} → ${result.path.map((h) => h.id).join(' → ')}, DPA ${hex(result.dpa)}`
          : `${hex(hpa)}: rejected at ${result.level} ${result.id}: ${result.reason}`,
        result.ok ? '' : `fill="${COLOURS.bad}"`,
      ),
    );
  });
  const width = Math.max(x0 + Math.min(cells, PER_ROW) * CELL_W + 8, x0 + textWidth(title, true) + 16, asked.length ? 620 : 0);
  const height = probesTop + asked.length * 18 + 8;
  return svgDocument(Math.ceil(width), height, title, body);
}

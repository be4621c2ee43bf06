/**
 * @file The BO purgeability trace as a picture: one row per event, top to bottom, with the state the patched
 * code and the code before it leave the BO in, side by side and coloured by state; the rows where they part
 * are marked. What a reviewer reads off the trace table, at a glance.
 */
import { COLOURS, fitLabel, line, rect, svgDocument, text, textWidth } from '../picture';
import type { PurgeabilityIssue } from './bo-purgeability';

const ROW = 26;
const TOP = 44;
const NUM_W = 28;
const STATE_W = 104;
/** The event column: as wide as the longest label needs, within bounds (the table keeps the whole text). */
const eventWidth = (labels: string[]): number => Math.min(380, Math.max(160, Math.ceil(Math.max(...labels.map((l) => textWidth(l.replace(/`/g, ''))))) + 12));

/** A state's colour: kept (WILLNEED), may be reclaimed (DONTNEED), gone (PURGED). */
function stateColour(state: string): string {
  if (/WILLNEED/.test(state)) return COLOURS.good;
  if (/DONTNEED/.test(state)) return COLOURS.caution;
  if (/PURGED/.test(state)) return COLOURS.bad;
  return COLOURS.muted;
}

export function traceTimeline(issue: PurgeabilityIssue, title: string): string {
  const x0 = 8;
  const eventW = eventWidth(issue.trace.map((r) => r.event));
  const xEvent = x0 + NUM_W;
  const xNew = xEvent + eventW;
  const xOld = xNew + STATE_W + 8;
  let width = xOld + STATE_W + 8;
  const height = TOP + issue.trace.length * ROW + 40;
  const body: string[] = [
    text(x0, 18, title, 'font-weight="bold"'),
    text(xEvent, TOP - 8, 'event', 'class="muted"'),
    text(xNew, TOP - 8, 'patched', 'class="muted"'),
    text(xOld, TOP - 8, 'before the patch', 'class="muted"'),
    line(x0, TOP - 3, width - 8, TOP - 3, COLOURS.grid),
  ];
  issue.trace.forEach((r, i) => {
    const y = TOP + i * ROW;
    const parts = r.new.state !== r.old.state;
    body.push(
      `<g class="step${parts ? ' parts' : ''}" data-step="${i}">`,
      ...(parts ? [rect(x0 - 4, y + 1, width - x0, ROW - 2, 'none', `stroke="${COLOURS.accent}" stroke-width="2" rx="3"`)] : []),
      text(x0, y + 17, String(i), 'class="muted"'),
      // The label fits its column; the table keeps the whole text.
      text(xEvent, y + 17, fitLabel(r.event.replace(/`/g, ''), eventW - 8)),
      rect(xNew, y + 4, STATE_W - 6, ROW - 8, stateColour(r.new.state), 'rx="3" opacity="0.85"'),
      text(xNew + 6, y + 17, r.new.state),
      rect(xOld, y + 4, STATE_W - 6, ROW - 8, stateColour(r.old.state), 'rx="3" opacity="0.85"'),
      text(xOld + 6, y + 17, r.old.state),
      '</g>',
    );
  });
  const yLegend = TOP + issue.trace.length * ROW + 22;
  let x = x0;
  for (const [label, colour] of [
    ['WILLNEED: kept', COLOURS.good],
    ['DONTNEED: may be reclaimed', COLOURS.caution],
    ['PURGED: gone', COLOURS.bad],
  ] as const) {
    body.push(rect(x, yLegend - 10, 12, 12, colour, 'rx="2"'), text(x + 16, yLegend, label, 'class="muted"'));
    x += 16 + textWidth(label) + 18;
  }
  body.push(
    rect(x, yLegend - 10, 12, 12, 'none', `stroke="${COLOURS.accent}" stroke-width="2" rx="2"`),
    text(x + 16, yLegend, 'the two part here', 'class="muted"'),
  );
  width = Math.max(width, Math.ceil(x + 16 + textWidth('the two part here') + 8));
  return svgDocument(width, height, title, body);
}

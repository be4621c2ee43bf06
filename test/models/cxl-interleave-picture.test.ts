/** The CXL decode map: the window's first granules coloured by the device each decodes to, and the addresses asked about. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runCxlInterleave, standardTopology } from '../../server/src/core/models/cxl-interleave/hdm-decoder';
import { decodeMap } from '../../server/src/core/models/cxl-interleave/cxl-interleave-picture';

test('granules striped over the devices in target order; an address outside the window rejected, in the error colour', () => {
  const t = standardTopology({ ways: 4, granularity: 256, deviceSize: 1 << 30, hostBridges: 2 });
  const outside = t.window.base + t.window.size + 0x1000;
  const svg = decodeMap(runCxlInterleave(t, [t.window.base + 0x300, outside]));
  const cells = [...svg.matchAll(/<g class="granule( rejected)?" data-hpa="(0x[0-9a-f]+)" data-device="([^"]*)">/g)];
  assert.equal(cells.length, 64);
  assert.ok(
    cells.every((c) => !c[1]),
    'the whole window decodes',
  );
  const devices = cells.map((c) => c[3]);
  // Every device appears, each in turn: the stripe repeats with the ways.
  assert.equal(new Set(devices).size, 4);
  assert.deepEqual(devices.slice(4, 8), devices.slice(0, 4));
  assert.match(svg, /0x[0-9a-f]+300 → window → \S+ → \S+, DPA 0x/);
  assert.match(
    svg,
    new RegExp(
      `<text x="8" y="\\d+" fill="var\\(--vscode-editorError-foreground, #e51400\\)">0x${outside.toString(16)}: rejected at window window: outside its range`,
    ),
  );
});

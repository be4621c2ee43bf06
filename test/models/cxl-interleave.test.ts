/**
 * The CXL interleave model, checked by hand: encodings from the CXL 2.0 tables, decodes worked out on
 * paper (chunk = ⌊offset / granularity⌋, position = chunk mod ways, DPA = ⌊offset / (g·W)⌋·g + offset mod
 * g), topologies valid and invalid written for the test.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as M from '../../server/src/core/models/cxl-interleave/hdm-decoder';

const MiB = 2 ** 20;
const TiB = 2 ** 40;

test('encodings: the CXL 2.0 tables, reserved values rejected', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 8, 9, 10].map(M.waysOfEncoding), [1, 2, 4, 8, 16, 3, 6, 12]);
  for (const reserved of [5, 6, 7, 11, 12, 15]) assert.equal(M.waysOfEncoding(reserved), null, `eiw ${reserved}`);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(M.granularityOfEncoding), [256, 512, 1024, 2048, 4096, 8192, 16384]);
  assert.equal(M.granularityOfEncoding(7), null);
  assert.equal(M.encodingOfWays(12), 10);
  assert.equal(M.encodingOfWays(5), null);
  assert.equal(M.encodingOfGranularity(16384), 6);
  assert.equal(M.encodingOfGranularity(128), null);
});

test('6- and 12-way: the modulo form equals the spec bit formula', () => {
  for (let c = 0; c < 5000; c++) {
    assert.equal(M.targetPosition(c * 256, 6, 256), (c & 1) + 2 * ((c >> 1) % 3), `6-way chunk ${c}`);
    assert.equal(M.targetPosition(c * 256, 12, 256), (c & 3) + 4 * ((c >> 2) % 3), `12-way chunk ${c}`);
  }
});

test('decode: 16 devices of 1 TiB behind two host bridges at 256 B (worked by hand)', () => {
  const t = M.standardTopology({ ways: 16, granularity: 256, deviceSize: TiB, hostBridges: 2 });
  // 0x10012c: chunk 4097 (odd → hb1); ⌊0x10012c / 512⌋ = 2048, mod 8 = 0 → ep1; DPA = 256 · 256 + 0x2c.
  const d = M.decode(t, 0x10012c);
  assert.ok(d.ok);
  assert.equal(d.endpoint, 'ep1');
  assert.equal(d.dpa, 0x1002c);
  assert.deepEqual(
    d.path.map((h) => [h.id, h.position]),
    [
      ['window', 1],
      ['hb1', 0],
      ['ep1', undefined],
    ],
  );
  // 0x700: chunk 7 → hb1, ⌊0x700 / 512⌋ = 3 → position 3 of hb1 = ep7 (1 + 2·3); DPA 0.
  const e = M.decode(t, 0x700);
  assert.ok(e.ok && e.endpoint === 'ep7' && e.dpa === 0);
  const out = M.decode(t, 16 * TiB);
  assert.ok(!out.ok && out.level === 'window');
});

test('decode: 3-way drops the interleave bits with a division by 3', () => {
  const t = M.standardTopology({ ways: 3, granularity: 256, deviceSize: 256 * MiB });
  // 0x500 = 1280: chunk 5 → position 2; DPA = ⌊1280 / 768⌋ · 256 = 256.
  const d = M.decode(t, 0x500);
  assert.ok(d.ok && d.endpoint === 'ep2' && d.dpa === 0x100);
  const e = M.decode(t, 0x2ff);
  assert.ok(e.ok && e.endpoint === 'ep2' && e.dpa === 0xff);
});

test('standard topologies are one-to-one for every allowed ways and several granularities', () => {
  for (const ways of M.VALID_WAYS) {
    for (const granularity of [256, 4096, 16384]) {
      for (const hostBridges of [1, 2, 3, 4, 6].filter((h) => ways % h === 0 && M.VALID_WAYS.includes(ways / h) && granularity * (h & -h) <= 16384)) {
        const r = M.runCxlInterleave(M.standardTopology({ ways, granularity, deviceSize: 4 * MiB, hostBridges }));
        assert.deepEqual(r.problems, [], `${ways}-way ${granularity} B ${hostBridges} bridges`);
        assert.equal(r.bijection?.bijective, true, `${ways}-way ${granularity} B ${hostBridges} bridges: ${r.bijection && M.describeBijection(r.bijection)}`);
      }
    }
  }
});

test('one period decides what every chunk decides', () => {
  // 4 × 64 MiB at 256 B: exactly 2^20 chunks, decoded one by one; 4 × 128 MiB: one period.
  const small = M.checkBijection(M.standardTopology({ ways: 4, granularity: 256, deviceSize: 64 * MiB, hostBridges: 2 }));
  const large = M.checkBijection(M.standardTopology({ ways: 4, granularity: 256, deviceSize: 128 * MiB, hostBridges: 2 }));
  assert.equal(small.method, 'every chunk');
  assert.equal(large.method, 'one period');
  assert.equal(large.period, 1024);
  assert.equal(small.bijective, true);
  assert.equal(large.bijective, true);
  for (const deviceSize of [64 * MiB, 128 * MiB]) {
    const t = M.standardTopology({ ways: 4, granularity: 256, deviceSize, hostBridges: 2 });
    t.hostBridges.hb0.granularity = 256;
    const b = M.checkBijection(t);
    assert.equal(b.bijective, false);
    // hb0 at the window's granularity: HPA 0x200 (chunk 2, hb0, ⌊512 / 256⌋ mod 2 = 0) lands with HPA 0 on ep0.
    assert.deepEqual(b.collision, { first: 0, second: 0x200, endpoint: 'ep0', dpa: 0 });
  }
});

test('1 TiB devices: one-to-one on one 4 KiB period, and the regions seed 003 counts', () => {
  const r = M.runCxlInterleave(M.standardTopology({ ways: 16, granularity: 256, deviceSize: TiB }));
  assert.equal(r.bijection?.bijective, true);
  assert.equal(r.bijection?.period, 4096);
  assert.equal(r.regions.length, 16);
  assert.equal(r.regions[0].regions, 2 ** 32);
  assert.match(M.describeRegions(r.regions), /1 TiB \/ 256 B = 2\^40 \/ 2\^8 = \*\*2\^32 ≈ 4\.29 × 10\^9 regions\*\*/);
  const small = M.regionCounts(M.standardTopology({ ways: 16, granularity: 256, deviceSize: 256 * MiB }));
  assert.equal(small[0].regions, 2 ** 20);
  assert.equal(M.scientific(2 ** 20), '1.05 × 10^6');
});

const twoByTwo = (): M.Topology => M.standardTopology({ ways: 4, granularity: 256, deviceSize: 1 * MiB, hostBridges: 2 });

test('invalid structures are named before any address is decoded', () => {
  const cases: [string, (t: M.Topology) => void, RegExp][] = [
    ['reserved ways', (t) => (t.window.ways = 5), /the window: 5-way interleave is not allowed/],
    ['granularity too fine', (t) => (t.endpoints.ep0.decoders[0].granularity = 128), /endpoint ep0 decoder 0: granularity 128 is not allowed/],
    ['targets do not match the ways', (t) => t.hostBridges.hb1.targets.pop(), /host bridge hb1: 2-way but 1 targets/],
    ['a target that is not there', (t) => (t.hostBridges.hb1.targets[1] = 'ep9'), /host bridge hb1: target ep9 is not in the topology/],
    ['a target listed twice', (t) => (t.hostBridges.hb0.targets[1] = 'ep0'), /host bridge hb0: target ep0 is listed twice/],
    [
      'ways that do not multiply up',
      (t) => (t.endpoints.ep3.decoders[0].ways = 2),
      /endpoint ep3 decoder 0: 2-way, but the path to it \(window ×2 → hb1 ×2\) interleaves 4 ways/,
    ],
    [
      'overlapping decoders',
      (t) => t.endpoints.ep1.decoders.push({ ...t.endpoints.ep1.decoders[0], base: 2 * MiB, skip: 0 }),
      /endpoint ep1: decoders 0 and 1 overlap \(HPA \[0x200000, 0x400000\)\)/,
    ],
    ['DPA beyond the device', (t) => (t.endpoints.ep2.capacity = MiB / 2), /endpoint ep2: its decoders use DPA up to 0x100000, beyond the device's 512 KiB/],
  ];
  assert.deepEqual(M.structuralProblems(twoByTwo()), []);
  for (const [name, spoil, message] of cases) {
    const t = twoByTwo();
    spoil(t);
    const r = M.runCxlInterleave(t);
    assert.ok(
      r.problems.some((p) => message.test(p)),
      `${name}: ${r.problems.join('; ')}`,
    );
    assert.equal(r.bijection, null, `${name}: no bijection check on an invalid structure`);
  }
});

test('not one-to-one: a rejected HPA, an unreachable DPA, swapped targets', () => {
  // hb1's decoder covers only the first half of the window: HPA 0x200100 (chunk 8193, odd) reaches hb1 out of range.
  const short = twoByTwo();
  short.hostBridges.hb1.size = 2 * MiB;
  const a = M.checkBijection(short);
  assert.equal(a.bijective, false);
  assert.deepEqual(a.rejected, { hpa: 0x200100, level: 'host bridge', id: 'hb1', reason: 'outside its range [0x0, 0x200000)' });
  // ep3 decodes a second range of DPA the window never reaches.
  const spare = twoByTwo();
  spare.endpoints.ep3.capacity = 2 * MiB;
  spare.endpoints.ep3.decoders.push({ base: 8 * MiB, size: 4 * MiB, ways: 4, granularity: 256, skip: 0 });
  assert.equal(M.checkBijection(spare).bijective, true, 'a decoder outside the window is not part of it');
  spare.region = { base: 0, size: 12 * MiB };
  spare.window.size = 12 * MiB;
  const c = M.checkBijection(spare);
  assert.equal(c.bijective, false);
  // Window HPA 4 MiB goes to hb0, whose decoder ends at 4 MiB.
  assert.deepEqual(c.rejected, { hpa: 4 * MiB, level: 'host bridge', id: 'hb0', reason: 'outside its range [0x0, 0x400000)' });
  // ep1's decoder larger than the window: its DPA from 1 MiB on is never reached.
  const wide = twoByTwo();
  wide.endpoints.ep1.capacity = 2 * MiB;
  wide.endpoints.ep1.decoders[0].size = 8 * MiB;
  const d = M.checkBijection(wide);
  assert.equal(d.bijective, false);
  assert.deepEqual(d.unreachable, { endpoint: 'ep1', decoder: 0, dpa: MiB });
  assert.match(M.describeBijection(d), /DPA 0x100000 of ep1 \(decoder 0\) is never reached/);
  // Swapped targets on one host bridge: still one-to-one (a different, consistent order), as it should be.
  const swapped = twoByTwo();
  swapped.hostBridges.hb0.targets.reverse();
  assert.equal(M.checkBijection(swapped).bijective, true);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { membersOf } from '../../server/src/core/c/analysis/structs';
import { loadParser } from '../../server/src/host/grammar';

test('struct members in document order: nested structs and unions too, arrays with their dimensions as written, pointers with their stars', async () => {
  const parser = await loadParser();
  const tree = parser.parse(
    [
      'struct acomp_ctx {',
      '\tstruct crypto_acomp *acomp;',
      '\tstruct acomp_req *req[SWAP_CRYPTO_SUB_BATCH_SIZE];',
      '\tstruct inner {',
      '\t\tu8 *buffer[2][4];',
      '\t} in;',
      '\tunion { unsigned long flags; void **slots; };',
      '};',
      'static int helper(void) { struct local { int n; } l; return l.n; }',
    ].join('\n'),
  );
  try {
    assert.deepEqual(
      membersOf(tree.rootNode).map((m) => `${m.struct}.${m.member}: ${m.type}${m.dims.map((d) => `[${d}]`).join('')}`),
      [
        'acomp_ctx.acomp: struct crypto_acomp *',
        'acomp_ctx.req: struct acomp_req *[SWAP_CRYPTO_SUB_BATCH_SIZE]',
        'acomp_ctx.in: struct inner { u8 *buffer[2][4]; }',
        'inner.buffer: u8 *[2][4]',
        'local.n: int',
      ],
    );
  } finally {
    tree.delete();
  }
});

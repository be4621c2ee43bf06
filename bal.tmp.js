const fs = require('fs');
const { loadParser } = require('./out/server/src/host/grammar.js');
const { ingest } = require('./out/server/src/ingest/index.js');
const { Image } = require('./out/server/src/c/image.js');
const { functionsOfImage } = require('./out/server/src/c/functions.js');
const { analyzeBalance } = require('./out/server/src/c/balance.js');
const { PairIndex, defaultTable } = require('./out/server/src/c/pairs.js');
(async () => {
  const p = await loadParser();
  const s = ingest(fs.readFileSync(process.argv[2], 'utf8'));
  const pairs = new PairIndex(defaultTable());
  for (const f of s.patches.flatMap(pp => pp.files)) for (const h of f.hunks) {
    const img = Image.of(h.lines, 'new');
    for (const fn of functionsOfImage(p, img.text, (h.section.match(/(\w+)\s*\(/) || [])[1] || null)) {
      const r = analyzeBalance(fn, { pairs });
      if (!r.issues.length && !r.retained.length && !r.released.length) continue;
      const line = (sp) => sp ? img.toDoc(sp.startRow, sp.startCol).line + 1 : '?';
      console.log(`${f.newPath} ${fn.name} entry=${fn.entryVisible} gaveUp=${r.gaveUp}`);
      for (const i of r.issues) console.log('  ISSUE', i.kind, i.holding ? i.holding.call + '@' + line(i.holding.site) + ' exit@' + line(i.exit.span) + ' ' + i.exit.kind : i.call + '@' + line(i.site), 'path', i.path.map(x => x.kind + (x.label ? ' ' + x.label : '') + '@' + line(x.span)).join(' > '));
      for (const r2 of r.retained) console.log('  RETAINED', r2.call, '@' + line(r2.site), JSON.stringify(r2.guards));
      for (const r2 of r.released) console.log('  RELEASED', r2.call, '@' + line(r2.site), JSON.stringify(r2.guards));
    }
  }
})();

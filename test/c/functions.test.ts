/**
 * Function ASTs of hunk images: the one-parse reading (layout guessed from the text, checked against the
 * tree) must agree with the reference two-parse reading on real and synthetic hunks.
 */
import * as assert from 'node:assert/strict';
import { syntheticSeries } from '../../bench/synthetic';
import { functionsOfImage, functionsOfImageByParsing } from '../../server/src/core/c/syntax/functions';
import { Image } from '../../server/src/core/c/syntax/image';
import { sectionFunctionName } from '../../server/src/core/c/syntax/parsed';
import { loadParser } from '../../server/src/host/grammar';
import { ingest } from '../../server/src/core/ingest';
import { readSeed, seedNames, seedTest } from '../helpers';

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

seedTest('one parse reads every hunk image of the seeds and of a synthetic series as two parses do', async () => {
  const parser = await loadParser();
  const documents = [...seedNames().map((n) => readSeed(n.slice(0, 3))), syntheticSeries(60).text];
  let images = 0;
  for (const text of documents) {
    for (const patch of ingest(text).patches) {
      for (const file of patch.files) {
        for (const hunk of file.hunks) {
          for (const side of ['old', 'new'] as const) {
            const image = Image.of(hunk.lines, side).text;
            const section = sectionFunctionName(hunk.section);
            assert.equal(
              json(functionsOfImage(parser, image, section)),
              json(functionsOfImageByParsing(parser, image, section)),
              `${file.newPath} @@ ${hunk.oldStart} ${side}:\n${image}`,
            );
            images++;
          }
        }
      }
    }
  }
  assert.ok(images > 1000, `${images} images`);
});

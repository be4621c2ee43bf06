/** Scoring on the corpus: a finding counts on a bug site only on one of its lines inside its function. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codeOf, functionAt, isAlarm, sitesHit } from '../../bench/corpus-score';
import type { Finding } from '../../server/src/core/findings';
import { aFinding } from '../helpers';

const mail = [
  'Subject: [PATCH] drv: add a probe', // 0
  'diff --git a/drivers/x/drv.c b/drivers/x/drv.c', // 1
  '--- a/drivers/x/drv.c', // 2
  '+++ b/drivers/x/drv.c', // 3
  '@@ -10,6 +10,20 @@ static int drv_setup(struct drv *d)', // 4
  ' \treturn 0;', // 5
  ' }', // 6
  '+static int drv_probe(struct platform_device *pdev,', // 7
  '+\t\t     const struct of_device_id *id)', // 8
  '+{', // 9
  '+\tbuf = kmalloc(16, GFP_KERNEL);', // 10
  '+\tret = drv_read(buf);', // 11
  '+\tif (ret)', // 12
  '+\t\treturn ret;', // 13
  '+}', // 14
  '+int drv_helper(int a);', // 15
  '+\treturn ret;', // 16
  '@@ -40,3 +54,4 @@ static void drv_remove(struct drv *d)', // 17
  '>> +\treturn ret;', // 18
  ' static int drv_open(struct drv *d,', // 19
  ' \t\t    int flags)', // 20
  '+\tdev = bus_find_device(bus, NULL, d);', // 21
];

const at = (line: number, over: Partial<Finding> = {}): Finding =>
  aFinding(line, { ruleId: 'r', message: '', range: { start: { line, character: 0 }, end: { line, character: 1 } }, key: 'k', ...over });

test('code of a line: without its quote prefix and diff marker, trimmed', () => {
  assert.equal(codeOf('+\t\treturn ret;'), 'return ret;');
  assert.equal(codeOf('>> +\treturn ret;'), 'return ret;');
  assert.equal(codeOf('> > -\tkfree(p);'), 'kfree(p);');
  assert.equal(codeOf(' \tx = 1;'), 'x = 1;');
});

test('the function a line is in: a definition over several lines, a hunk section, never a prototype or a statement', () => {
  assert.equal(functionAt(mail, 13), 'drv_probe');
  assert.equal(functionAt(mail, 10), 'drv_probe');
  assert.equal(functionAt(mail, 5), 'drv_setup');
  // A prototype ends with `;`: the line below it still belongs to the definition above.
  assert.equal(functionAt(mail, 16), 'drv_probe');
  assert.equal(functionAt(mail, 18), 'drv_remove');
  assert.equal(functionAt(mail, 2), null);
  // A definition on context lines (marker ` `), its parameters continued on an indented line.
  assert.equal(functionAt(mail, 21), 'drv_open');
});

test('a finding hits a site on one of its lines inside its function only', () => {
  const sites = [{ function: 'drv_probe', lines: ['buf = kmalloc(16, GFP_KERNEL);', 'return ret;'] }];
  assert.equal(sitesHit(mail, at(13), sites).length, 1);
  assert.equal(sitesHit(mail, at(10), sites).length, 1);
  assert.equal(sitesHit(mail, at(11), sites).length, 0, 'another line of the function');
  assert.equal(sitesHit(mail, at(18), sites).length, 0, 'the same text in another function');
});

test('alarms are introduced warnings and errors', () => {
  assert.equal(isAlarm(at(1)), true);
  assert.equal(isAlarm(at(1, { severity: 'warning' })), true);
  assert.equal(isAlarm(at(1, { severity: 'information' })), false);
  assert.equal(isAlarm(at(1, { origin: 'pre-existing' })), false);
});

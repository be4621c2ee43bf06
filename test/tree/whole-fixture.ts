/**
 * Files of a small tree written for the whole-function tests, and patches against them made by editing
 * the text: one hunk per edit with three lines of context, the header's section line as git writes it
 * (the nearest line above that starts at column 0 with a name), the `index` line with real blob ids.
 */
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';

export const widget = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/mutex.h>

struct widget {
	struct mutex lock;
	struct folio *folio;
	void *buf;
	int state;
};

static int widget_prepare(struct widget *w)
{
	return w->state ? 0 : -EINVAL;
}

int widget_map(struct widget *w, struct folio *folio)
{
	int ret;

	mutex_lock(&w->lock);
	ret = widget_prepare(w);
	if (ret)
		goto out_unlock;

	w->state = 2;
	w->buf = NULL;
	ret = widget_commit(w);
	if (ret)
		goto out_unlock;

	w->state = 3;
out_unlock:
	mutex_unlock(&w->lock);
	return ret;
}

int widget_reset(struct widget *w)
{
	mutex_lock(&w->lock);
	if (w->state == 0)
		return -EBUSY;
	w->state = 1;
	w->buf = NULL;
	widget_flush(w);
	mutex_unlock(&w->lock);
	return 0;
}
`;

export const gadget = `// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>

int gadget_init(struct gadget *g)
{
	g->a = kzalloc(64, GFP_KERNEL);
	if (!g->a)
		return -ENOMEM;

	g->b = kzalloc(128, GFP_KERNEL);
	if (!g->b)
		goto free_a;

	g->c = kzalloc(256, GFP_KERNEL);
	if (!g->c)
		goto free_b;

	return 0;

free_b:
	kfree(g->b);
free_a:
	kfree(g->a);
	return -ENOMEM;
}
`;

export const treeFiles: Record<string, string> = { 'mm/widget.c': widget, 'mm/gadget.c': gadget, MAINTAINERS: '', Kconfig: '' };

export interface TextEdit {
  /** The 1-based line the edit is made after (0: before the first line). */
  after: number;
  /** How many lines after it are removed. */
  remove?: number;
  add?: string[];
}

/** The file's text with the edits made (each edit's line numbers are the original text's). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.after - a.after)) lines.splice(e.after, e.remove ?? 0, ...(e.add ?? []));
  return lines.join('\n');
}

/** One hunk per edit (edits far enough apart that their context does not meet), in file order. */
function hunksOf(text: string, edits: TextEdit[]): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let grown = 0;
  for (const e of [...edits].sort((a, b) => a.after - b.after)) {
    const removed = e.remove ?? 0;
    const added = e.add ?? [];
    const from = Math.max(0, e.after - 3);
    const to = Math.min(lines.length - 1, e.after + removed + 3);
    const before = lines.slice(from, e.after);
    const after = lines.slice(e.after + removed, to);
    const oldCount = before.length + removed + after.length;
    const newCount = before.length + added.length + after.length;
    let section = '';
    for (let i = from - 1; i >= 0; i--) {
      if (/^[A-Za-z_]/.test(lines[i])) {
        section = ` ${lines[i]}`;
        break;
      }
    }
    out.push(
      `@@ -${from + 1},${oldCount} +${from + 1 + grown},${newCount} @@${section}`,
      ...before.map((l) => ` ${l}`),
      ...lines.slice(e.after, e.after + removed).map((l) => `-${l}`),
      ...added.map((l) => `+${l}`),
      ...after.map((l) => ` ${l}`),
    );
    grown += added.length - removed;
  }
  return out;
}

export interface FileEdits {
  path: string;
  /** The file before the patch. */
  text: string;
  edits: TextEdit[];
}

/** One patch of a mail: its diff of each file. */
function patchText(subject: string, files: FileEdits[]): string[] {
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: A Developer <dev@example.org>',
    'Date: Mon, 2 Mar 2026 10:00:00 +0000',
    `Subject: ${subject}`,
    '',
    'Written for the test.',
    '',
    '---',
    ...files.flatMap(({ path, text, edits }) => [
      `diff --git a/${path} b/${path}`,
      `index ${gitBlobId(text).slice(0, 12)}..${gitBlobId(applyEdits(text, edits)).slice(0, 12)} 100644`,
      `--- a/${path}`,
      `+++ b/${path}`,
      ...hunksOf(text, edits),
    ]),
    '-- ',
    '2.43.0',
    '',
  ];
}

/** A format-patch mail of one patch. */
export function editMail(subject: string, files: FileEdits[]): string {
  return patchText(`[PATCH] ${subject}`, files).join('\n');
}

/** An mbox of patches made one after the other (each patch's files are as the earlier ones left them). */
export function editSeries(patches: { subject: string; files: FileEdits[] }[]): string {
  return patches.flatMap((p, i) => patchText(`[PATCH ${i + 1}/${patches.length}] ${p.subject}`, p.files)).join('\n');
}

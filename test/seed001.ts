/**
 * @file Seed 001 (zswap request arrays) changed the ways reviewers look for: each mutation is a bug a
 * reviewer would want flagged, made to the patch as posted (read from ../shared/seeds/).
 */
import { editPatch, readSeed, type PatchLineEdit } from './helpers';

const edit = (...edits: PatchLineEdit[]): string => editPatch(readSeed('001'), edits, '> > ');

/** One use of `req` left as a scalar: `dlen = acomp_ctx->req->dlen;`. */
export const withScalarUseLeft = (): string => edit({ line: '> > + dlen = acomp_ctx->req[0]->dlen;', with: ['> > + dlen = acomp_ctx->req->dlen;'] });

/** The partial free in the buffer loop removed: the buffers allocated before the failing one leak. */
export const withoutPartialFree = (): string =>
  edit(
    { line: '> > + for (j = 0; j < i; ++j)', after: 'acomp_ctx->buffer[i] = kmalloc_node', with: [] },
    { line: '> > + kfree(acomp_ctx->buffer[j]);', with: [] },
  );

/** The request loop unwinds to the wrong label, skipping the buffers' free. */
export const withWrongReqLabel = (): string => edit({ line: '> > + goto req_fail;', with: ['> > + goto buf_fail;'] });

/** The buffer loop unwinds to `req_fail`, whose loop frees the buffers its own loop already freed. */
export const withWrongBufLabel = (): string => edit({ line: '> > + goto buf_fail;', with: ['> > + goto req_fail;'] });

/** The teardown frees only the first buffer. */
export const withTeardownMissingElements = (): string =>
  edit(
    { line: '> > + for (i = 0; i < SWAP_CRYPTO_SUB_BATCH_SIZE; ++i)', after: '> > + acomp_request_free(acomp_ctx->req[i]);', with: [] },
    { line: '> > + kfree(acomp_ctx->buffer[i]);', after: '> > + acomp_request_free(acomp_ctx->req[i]);', with: ['> > + kfree(acomp_ctx->buffer[0]);'] },
  );

import type { Express, Response } from 'express';
import type { AttachmentTokenCodec } from '../attachments/attachment-token';
import { ErrorCode, GatewayError, RateLimitedError } from '../errors';
import type { MailboxService } from '../gmail/mailbox.service';
import type { Logger } from '../logger';
import type { GmailBudget } from '../quota/gmail-budget';
import type { GmailQuotaCosts } from '../quota/gmail-costs';
import { isMongoUnavailable } from '../upstream/mongo-errors';
import { requestDeadline } from './request-deadline';

// GET /attachments/<token>: the download URL of an attachment (see attachments/attachment-token.ts). No
// Authorization header: the sealed token is the authority, so a plain link or an <img src> works. A token that
// does not open (tampered, expired, sealed elsewhere) answers 404 before anything else happens: no MongoDB read,
// no Gmail call. The download is charged to the user's Gmail budget like a query (one reservation).

export interface AttachmentRouteDeps {
  readonly tokens: AttachmentTokenCodec;
  readonly mailbox: MailboxService;
  readonly budget: GmailBudget;
  readonly costs: GmailQuotaCosts;
  readonly requestTimeoutMs: number;
  readonly logger: Logger;
}

/** A MIME type we repeat in Content-Type; anything else is served as bytes. */
const MIME_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/i;

export function mountAttachments(handler: Express, deps: AttachmentRouteDeps): void {
  handler.get('/attachments/:token', async (req, res) => {
    const grant = deps.tokens.open(req.params.token);
    if (grant === null) return notFound(res);
    const quota = deps.budget.openRequest();
    quota.plan(deps.costs[grant.attachmentId === null ? 'messages.get' : 'messages.attachments.get']);
    const signal = requestDeadline(res, deps.requestTimeoutMs);
    try {
      const mailbox = await deps.mailbox.openFor(grant.userId, quota.meterFor(grant.userId), signal);
      const bytes = await mailbox.attachmentBytes(grant.messageId, grant);
      if (bytes === null) return notFound(res);
      res.status(200);
      res.setHeader(
        'Content-Type',
        MIME_TYPE.test(grant.mimeType) ? grant.mimeType : 'application/octet-stream',
      );
      res.setHeader('Content-Length', String(bytes.length));
      res.setHeader('Content-Disposition', contentDisposition(grant.filename));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'private, no-store');
      // Even if a browser ignored the disposition, the bytes could run nothing with the gateway's origin.
      res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
      res.end(bytes);
    } catch (error) {
      answerError(res, error, deps.logger);
    } finally {
      await quota.settle();
    }
  });
}

/** `attachment` with the name for every browser: an ASCII fallback and the exact UTF-8 name (RFC 6266/5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'attachment';
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function notFound(res: Response): void {
  res
    .status(404)
    .setHeader('Cache-Control', 'no-store')
    .json({ error: { code: 'NOT_FOUND', message: 'not found' } });
}

/**
 * A spent budget or Gmail's rate limit is 429 with Retry-After; a user who is gone or must consent again makes
 * the link dead (404: a download URL says nothing about accounts); Google or the store failing is 503.
 */
function answerError(res: Response, error: unknown, logger: Logger): void {
  if (res.headersSent) return void res.destroy();
  if (error instanceof RateLimitedError) {
    const seconds = Number(error.extensions['retryAfterSeconds']);
    res.setHeader('Retry-After', String(Number.isFinite(seconds) ? seconds : 60));
    res.status(429).json({ error: { code: ErrorCode.RATE_LIMITED, message: error.message } });
    return;
  }
  if (
    isMongoUnavailable(error) ||
    (error instanceof GatewayError && error.code === ErrorCode.UPSTREAM_UNAVAILABLE)
  ) {
    res.status(503).json({
      error: {
        code: ErrorCode.UPSTREAM_UNAVAILABLE,
        message: 'Gmail or the store is unavailable; try again.',
      },
    });
    return;
  }
  if (error instanceof GatewayError && error.code !== ErrorCode.INTERNAL_SERVER_ERROR) return notFound(res);
  logger.error({ err: error }, 'attachment download failed');
  res.status(500).json({ error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'internal error' } });
}

import type { ErrorRequestHandler } from 'express';

/** Body parser failures (invalid JSON, too large) answer a 4xx in GraphQL's error shape, never a 500. */
export const bodyErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = status === 413 ? 'Request body too large' : 'Request body is not valid JSON';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  next(error);
};

/**
 * API errors in Zaqar's wire format: `{"title": ..., "description": ...}`
 * (api-v2.md §1.7). Handlers throw these; `toErrorResponse` renders them.
 */
import type { ApiResponse } from './request';

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly title: string,
    public readonly description?: string,
    public readonly headers?: Record<string, string>,
    /** The failure behind a 5xx, logged once with the request id by the API (never sent to clients). */
    public override readonly cause?: unknown,
  ) {
    super(description ?? title);
    this.name = 'HttpError';
  }

  toResponse(): ApiResponse {
    const body: Record<string, string> = { title: this.title };
    if (this.description !== undefined) body.description = this.description;
    return { status: this.status, headers: { Vary: 'Accept', ...this.headers }, body };
  }
}

/** 400 "Invalid API request": a parameter or semantic rule was violated. */
export const badRequestApi = (description: string): HttpError => new HttpError(400, 'Invalid API request', description);

/** 400 "Invalid request body": JSON, structure or type problems. */
export const badRequestBody = (description: string): HttpError => new HttpError(400, 'Invalid request body', description);

export const documentTypeNotSupported = (): HttpError => badRequestBody('Document type not supported.');

export const notFound = (description: string): HttpError => new HttpError(404, 'Not found', description);

/** A plain 404 as for an unknown route (also used for failed pre-signed URL checks). */
export const routeNotFound = (): HttpError => new HttpError(404, '404 Not Found');

export const conflict = (description: string): HttpError => new HttpError(409, 'Resource conflict', description);

export const forbidden = (): HttpError =>
  new HttpError(403, 'Not authorized', 'You are not authorized to complete this action.');

/** 503 with Zaqar's "<sentence> Please try again in a few seconds."; `cause` is what failed (for the log). */
export const serviceUnavailable = (description: string, cause?: unknown): HttpError =>
  new HttpError(503, 'Service temporarily unavailable', `${description} Please try again in a few seconds.`, undefined, cause);

export const invalidParameter = (name: string, why: string): HttpError =>
  new HttpError(400, 'Invalid parameter', `The "${name}" parameter is invalid. ${why}`);

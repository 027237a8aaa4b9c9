/**
 * Paged listings over HTTP: the `next` link repeats the listing's query
 * parameters, in the order Zaqar reads them, with the marker of the page's
 * last item.
 */
import type { HttpRequest } from './model';
import { toQueryString } from './query';

export type QueryEcho = Record<string, string | number | boolean | undefined>;

/** `marker` and `limit` of a listing, each echoed into `params` when the client sent it. */
export function readPaging(req: HttpRequest, params: QueryEcho): { marker: string | undefined; limit: number | undefined } {
  const marker = req.query.getString('marker');
  if (marker !== undefined) params.marker = marker;
  const limit = req.query.getInt('limit');
  if (limit !== undefined) params.limit = limit;
  return { marker, limit };
}

/** `[{rel: 'next', href}]` for a non-empty page, `[]` for an empty one. */
export function nextLinks(path: string, params: QueryEcho, marker: string | undefined, pageSize: number): { rel: string; href: string }[] {
  if (pageSize === 0) return [];
  return [{ rel: 'next', href: path + toQueryString({ ...params, marker }) }];
}

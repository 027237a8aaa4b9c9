/**
 * Paged listings over HTTP: the `next` link repeats the listing's query
 * parameters, in the order Zaqar reads them, with the marker of the page's
 * last item.
 */
import { toQueryString } from './query';

export type QueryEcho = Record<string, string | number | boolean | undefined>;

/** `[{rel: 'next', href}]` for a non-empty page, `[]` for an empty one. */
export function nextLinks(path: string, params: QueryEcho, marker: string | undefined, pageSize: number): { rel: string; href: string }[] {
  if (pageSize === 0) return [];
  return [{ rel: 'next', href: path + toQueryString({ ...params, marker }) }];
}

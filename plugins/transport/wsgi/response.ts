/**
 * Core HttpResponse → node:http response (bodies rendered Python-style by
 * common/json). Header names go out in lower case, as falcon writes them:
 * some of Zaqar's own tests compare header names case-sensitively.
 */
import type { ServerResponse as Response } from 'node:http';
import type { HttpResponse } from './http/model';
import { dumpJson } from '../../../zaqar/common/json';

export function writeResponse(res: Response, response: HttpResponse, requestId: string): void {
  const headers: Record<string, string> = { Server: 'zaqar', 'x-openstack-request-id': requestId };
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  let text = '';
  if (response.text !== undefined) text = response.text;
  else if (response.body !== undefined) text = dumpJson(response.body);
  if (response.status !== 204 && response.status !== 304) {
    if (text !== '') headers['content-type'] = response.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  // writeHead + end(body) sends status line, headers and body in one socket write.
  res.writeHead(response.status, headers);
  res.end(text);
}

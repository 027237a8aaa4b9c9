/**
 * Core HttpResponse → restify response (bodies rendered Python-style by
 * common/json). Header names go out in lower case, as falcon writes them:
 * some of Zaqar's own tests compare header names case-sensitively.
 */
import type { Response } from 'restify';
import type { HttpResponse } from './http/model';
import { dumpJson } from '../../../zaqar/common/json';

export function writeResponse(res: Response, response: HttpResponse, requestId: string): void {
  const headers: Record<string, string> = { 'x-openstack-request-id': requestId };
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  let text = '';
  if (response.text !== undefined) text = response.text;
  else if (response.body !== undefined) text = dumpJson(response.body);
  if (response.status !== 204 && response.status !== 304) {
    if (text !== '') headers['content-type'] = response.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  // Node's writeHead + end(body) sends status line, headers and body in one
  // socket write; restify's sendRaw adds a formatter pass and separate
  // write/end calls. `_sent` is how restify knows the response is complete
  // (it checks it before sending anything on its own).
  (res as unknown as { _sent: boolean })._sent = true;
  res.writeHead(response.status, headers);
  res.end(text);
}

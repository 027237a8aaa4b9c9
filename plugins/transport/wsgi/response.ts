/** Core ApiResponse → restify response (bodies rendered Python-style by common/json). */
import type { Response } from 'restify';
import type { ApiResponse } from '../../../zaqar/api/request';
import { dumpJson } from '../../../zaqar/common/json';

export function writeResponse(res: Response, response: ApiResponse, requestId: string): void {
  const headers: Record<string, string> = { 'X-Openstack-Request-Id': requestId, ...response.headers };
  let text = '';
  if (response.text !== undefined) text = response.text;
  else if (response.body !== undefined) text = dumpJson(response.body);
  if (response.status !== 204 && response.status !== 304) {
    if (text !== '') headers['Content-Type'] = response.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(text));
  }
  res.sendRaw(response.status, text, headers);
}

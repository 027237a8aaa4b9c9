/**
 * The notification listener (Zaqar's `NotificationProtocol`): the internal
 * HTTP endpoint a connection-targeted subscriber URI names,
 * `http://<notification host>:<port>/<connection id>`. It is how a
 * notification reaches a connection held by this node when another node's
 * dispatcher delivered it (by webhook); deliveries made on this node skip
 * it (zaqar/notification/local-subscribers.ts).
 *
 * As the reference: only POST (405 otherwise), a Content-Length is required
 * (400 without), the answer is 200 and a body for an unknown connection is
 * dropped. Bodies longer than `maxBody` are refused (400) rather than held.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type ForwardBody = (connectionId: string, text: string) => void;

export function notificationListener(forward: ForwardBody, maxBody: number): Server {
  const answer = (res: ServerResponse, status: number, reason: string): void => {
    res.writeHead(status, reason, { 'Content-Length': '0', Connection: status === 200 ? 'keep-alive' : 'close' });
    res.end();
  };
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => req.destroy());
    if (req.method !== 'POST') {
      req.resume();
      return answer(res, 405, 'Not Allowed');
    }
    const declared = req.headers['content-length'];
    if (declared === undefined || !(Number(declared) <= maxBody)) {
      req.resume();
      return answer(res, 400, 'Bad Request');
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '/').split('?')[0].slice(1));
      if (!id) return answer(res, 400, 'Bad Request');
      forward(id, Buffer.concat(chunks).toString('utf8'));
      answer(res, 200, 'OK');
    });
  });
}

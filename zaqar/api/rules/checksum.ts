/**
 * Message checksums (`[DEFAULT] enable_checksum`): `MD5:<hex>` of the body
 * as Python's `json.dumps` renders it, as Zaqar computes them.
 */
import { createHash } from 'node:crypto';
import { dumpJsonAscii } from '../../common/json';

export function messageChecksum(body: unknown): string | undefined {
  if (body === null) return undefined;
  return 'MD5:' + createHash('md5').update(dumpJsonAscii(body), 'utf8').digest('hex');
}

/**
 * Message bodies encrypted at rest on queues with
 * `_enable_encrypt_messages: true` (Zaqar's `zaqar.transport.encryptor`).
 *
 * AES-256-CBC, key = SHA-256 of `[transport] message_encryption_key`, a
 * random 16-byte IV in front of the ciphertext, PKCS#7 padding, base64 —
 * as the reference. String bodies are encrypted as their UTF-8 bytes, so
 * they stay readable by and from the reference. Other JSON values: the
 * reference pickles them (Python-only); we store our JSON rendering behind
 * a tag instead and leave pickled bodies written by the reference
 * encrypted (documented in the README's compatibility notes).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { dumpJson, parseJsonText, RawJson } from '../../common/json';

/** Marks a JSON-serialised (non-string) plaintext. NUL bytes never start a UTF-8 string body in practice. */
const JSON_TAG = Buffer.from('\u0000zaqar-ts:json\u0000', 'utf8');

export class MessageCipher {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  }

  /** The stored (base64 text) form of a body. */
  encrypt(body: unknown): string {
    const plain =
      typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.concat([JSON_TAG, Buffer.from(dumpJson(body), 'utf8')]);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', this.key, iv);
    return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64');
  }

  /**
   * The original body of an encrypted stored body (a RawJson or value holding
   * the base64 string). Anything that does not decrypt is returned unchanged
   * (e.g. messages posted before encryption was switched on).
   */
  decrypt(stored: unknown): unknown {
    const value = stored instanceof RawJson ? stored.value() : stored;
    if (typeof value !== 'string') return stored;
    try {
      const data = Buffer.from(value, 'base64');
      if (data.length < 32 || data.length % 16 !== 0) return stored;
      const decipher = createDecipheriv('aes-256-cbc', this.key, data.subarray(0, 16));
      const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
      if (plain.subarray(0, JSON_TAG.length).equals(JSON_TAG)) {
        return parseJsonText(plain.subarray(JSON_TAG.length).toString('utf8'));
      }
      if (plain[0] === 0x80) return stored; // a Python pickle written by the reference
      return new TextDecoder('utf-8', { fatal: true }).decode(plain);
    } catch {
      return stored;
    }
  }
}

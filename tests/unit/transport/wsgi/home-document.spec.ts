/**
 * The JSON-home documents are served verbatim as Zaqar 15 serves them: their
 * text (key order included) must not change when the way they are written
 * does. The digests are those of the documents as first transcribed.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import * as home from '../../../../plugins/transport/wsgi/http/home-document';

const DIGESTS: Record<keyof typeof home, { length: number; sha256: string }> = {
  V2_PUBLIC_RESOURCES: { length: 4346, sha256: '529556386bf8374dbba65de90e46283af8b8cc5d98b6e3c0333955fba94386ec' },
  V2_ADMIN_RESOURCES: { length: 910, sha256: 'bd35e348392fa233aadccf5cb9eed0375dfa5abaacac07432fbd91f99a6736fd' },
  V1_1_PUBLIC_RESOURCES: { length: 2648, sha256: '17d3da80cd46f1e63b8b73b742e29948821e22f9b229fdb3159c6172024797c5' },
  V1_1_ADMIN_RESOURCES: { length: 920, sha256: '98ade646b3402028bc121a4aeafb2f202b0acb5222fb97c417c8ed98091f8bca' },
};

describe('JSON-home documents', () => {
  for (const [name, expected] of Object.entries(DIGESTS)) {
    it(`${name} serialises to the same text, byte for byte`, () => {
      const text = JSON.stringify(home[name as keyof typeof home]);
      expect({ length: text.length, sha256: createHash('sha256').update(text).digest('hex') }).to.deep.equal(expected);
    });
  }
});

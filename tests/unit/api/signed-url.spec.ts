import { expect } from 'chai';
import { createSignedUrl, parseIsoTime, SignedUrlError, verifySignedRequest } from '../../../zaqar/auth/signed-url';

describe('auth/signed-url', () => {
  const now = Date.parse('2026-11-27T00:09:25Z');

  it('signs exactly as the reference (literal backslash-n separators)', () => {
    // The signature the reference computes for these inputs.
    const signed = createSignedUrl('test-secret-key', ['/v2/queues/fizbit/messages'], {
      project: 'proj1',
      methods: ['GET'],
      expires: '2026-11-28T00:09:25',
      now,
    });
    expect(signed.signature).to.equal('f5a20960cae1843f56588fcd2b82f2f5c386417015153001fc129f838b92a13f');
    expect(signed.expires).to.equal('2026-11-28T00:09:25');
  });

  it('validates inputs with the reference messages', () => {
    expect(() => createSignedUrl(undefined, ['/p'], { project: 'p', now })).to.throw(SignedUrlError, "The `key` can't be None");
    expect(() => createSignedUrl('k', ['/p'], { project: 'p', methods: 'GET', now })).to.throw('`methods` should be a list');
    expect(() => createSignedUrl('k', ['/p'], { project: 'p', expires: '12345', now })).to.throw(
      '`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 12345',
    );
    expect(() => createSignedUrl('k', ['/p'], { project: 'p', expires: 'soon', now })).to.throw("Unable to parse date string 'soon'");
    expect(() => createSignedUrl('k', ['/p'], { project: 'p', expires: '2020-01-01T00:00:00', now })).to.throw(
      '`expires` is lower than the current time',
    );
  });

  it('parses ISO 8601 with zones', () => {
    expect(parseIsoTime('2030-01-01T01:00:00+01:00').toISOString()).to.equal('2030-01-01T00:00:00.000Z');
    expect(parseIsoTime('2030-01-01').toISOString()).to.equal('2030-01-01T00:00:00.000Z');
    expect(() => parseIsoTime('2030-02-30T00:00:00')).to.throw(SignedUrlError);
  });

  it('verifies method, path (regex search) and signature', () => {
    const signed = createSignedUrl('k', ['/v2/queues/q/messages'], { project: 'p', methods: ['GET'], now });
    const headers = { signature: signed.signature, paths: signed.paths, methods: signed.methods, project: 'p', expires: signed.expires };
    expect(verifySignedRequest('k', 'GET', '/v2/queues/q/messages/abc', headers, now)).to.equal(true);
    expect(verifySignedRequest('k', 'POST', '/v2/queues/q/messages', headers, now)).to.equal(false);
    expect(verifySignedRequest('k', 'GET', '/v2/queues/other/messages', headers, now)).to.equal(false);
    expect(verifySignedRequest('k', 'GET', '/v2/queues/q/messages', { ...headers, project: 'x' }, now)).to.equal(false);
    expect(verifySignedRequest('other', 'GET', '/v2/queues/q/messages', headers, now)).to.equal(false);
    expect(verifySignedRequest('k', 'GET', '/v2/queues/q/messages', headers, now + 2 * 86_400_000)).to.equal(false);
  });
});

/**
 * Frames and envelopes of the WebSocket transport, as pure logic: Python's
 * number distinctions through MessagePack (a float64 holding 60 is no int,
 * an int64 is exact), JSON written as Zaqar writes it, and the action
 * schemas with Draft 4's types.
 */
import { expect } from 'chai';
import { encode } from '@msgpack/msgpack';
import { JsonNumber } from '../../../../zaqar/common/json';
import { decodeFrame, encodeFrame, FrameDecodeError, toMsgpackValue } from '../../../../plugins/transport/websocket/framing';
import { conforms, SCHEMAS } from '../../../../plugins/transport/websocket/schema';

/** `{"ttl": <float64 60.0>}` as Python's msgpack writes it. */
function float64Map(): Buffer {
  const value = Buffer.alloc(9);
  value[0] = 0xcb;
  value.writeDoubleBE(60, 1);
  return Buffer.concat([Buffer.from([0x81, 0xa3]), Buffer.from('ttl'), value]);
}

describe('websocket framing', () => {
  it('decodes a MessagePack float64 as a float (JsonNumber "60.0"), an int64 exactly, and refuses bin values', () => {
    const decoded = decodeFrame(float64Map(), true) as { ttl: JsonNumber };
    expect(decoded.ttl).to.be.instanceOf(JsonNumber);
    expect(decoded.ttl.text).to.equal('60.0');
    expect(decoded.ttl.isInteger).to.equal(false);
    const big = decodeFrame(Buffer.from(encode({ n: 9223372036854775807n }, { useBigInt64: true })), true) as { n: JsonNumber };
    expect(big.n.text).to.equal('9223372036854775807');
    expect(decodeFrame(Buffer.from(encode({ n: 5 })), true)).to.deep.equal({ n: 5 });
    expect(() => decodeFrame(Buffer.from(encode({ b: new Uint8Array([1]) })), true)).to.throw(FrameDecodeError, /^Can't decode binary \(MessagePack\) request\. TypeError: /);
    expect(() => decodeFrame(Buffer.from('123'), true)).to.throw(FrameDecodeError, /^Can't decode binary \(MessagePack\) request\./);
  });

  it('decodes JSON text keeping number literals, and says why it cannot', () => {
    const decoded = decodeFrame(Buffer.from('{"f": 1.50, "i": 3}'), false) as { f: JsonNumber; i: number };
    expect(decoded.f.text).to.equal('1.50');
    expect(decoded.i).to.equal(3);
    expect(() => decodeFrame(Buffer.from('not json'), false)).to.throw(FrameDecodeError, /^Can't decode text \(JSON\) request\. JSONDecodeError: Unexpected token/);
    expect(() => decodeFrame(Buffer.from([0xff]), false)).to.throw(FrameDecodeError, /UnicodeDecodeError/);
  });

  it('encodes text as Python json.dumps (separators, \\u escapes, kept literals) and binary with kept numbers made exact', () => {
    expect(encodeFrame({ a: [1, 'é'], f: new JsonNumber('1.50') }, false)).to.equal('{"a": [1, "\\u00e9"], "f": 1.50}');
    expect(toMsgpackValue({ big: new JsonNumber('9223372036854775807'), f: new JsonNumber('2.5'), small: new JsonNumber('7') })).to.deep.equal({
      big: 9223372036854775807n,
      f: 2.5,
      small: 7,
    });
    expect(Buffer.isBuffer(encodeFrame({ a: 1 }, true))).to.equal(true);
  });

  it('checks envelopes with Draft 4 types: integers are no floats or booleans, headers must be strings, required keys', () => {
    const headers = { 'Client-ID': 'c', 'X-Project-ID': 'p' };
    const ok = (action: string, frame: Record<string, unknown>) => conforms(SCHEMAS[action], { action, ...frame });
    expect(ok('claim_create', { headers, body: { queue_name: 'q', limit: 1 } })).to.equal(true);
    expect(ok('claim_create', { headers, body: { queue_name: 'q', limit: new JsonNumber('1.0') } })).to.equal(false);
    expect(ok('claim_create', { headers, body: { queue_name: 'q', limit: true } })).to.equal(false);
    expect(ok('message_list', { headers, body: { queue_name: 'q', echo: 1 } })).to.equal(false);
    expect(ok('queue_list', { headers })).to.equal(true);
    expect(ok('queue_get', { headers })).to.equal(false);
    expect(ok('queue_get', { headers: { 'Client-ID': 'c' }, body: { queue_name: 'q' } })).to.equal(false);
    expect(ok('queue_get', { headers: { ...headers, Accept: 5 }, body: { queue_name: 'q' } })).to.equal(false);
    expect(ok('authenticate', { headers: { 'X-Auth-Token': 't', 'X-Project-ID': 'p' }, body: 'anything' })).to.equal(true);
    expect(ok('authenticate', { headers: { 'X-Auth-Token': null, 'X-Project-ID': 'p' } })).to.equal(false);
  });
});

import { expect } from 'chai';
import {
  dumpJson,
  dumpJsonAscii,
  isPyInt,
  JsonNumber,
  JsonParseError,
  parseJsonBody,
  parseJsonText,
  RawJson,
} from '../../../zaqar/common/json';
import { isTruthy } from '../../../zaqar/common/python';

describe('common/json', () => {
  describe('parseJsonText', () => {
    it('keeps safe integers as numbers', () => {
      expect(parseJsonText('{"a": 1, "b": [2, -3]}')).to.deep.equal({ a: 1, b: [2, -3] });
    });
    it('keeps floats as JsonNumber so 60.0 is not an int', () => {
      const v = parseJsonText('{"ttl": 60.0}') as { ttl: JsonNumber };
      expect(v.ttl).to.be.instanceOf(JsonNumber);
      expect(v.ttl.text).to.equal('60.0');
      expect(isPyInt(v.ttl)).to.equal(false);
    });
    it('keeps big integers exactly, within signed 64 bits', () => {
      const v = parseJsonText('[9223372036854775807, -9223372036854775808]') as JsonNumber[];
      expect(v.map((n) => n.text)).to.deep.equal(['9223372036854775807', '-9223372036854775808']);
      expect(isPyInt(v[0])).to.equal(true);
    });
    it('rejects integers outside signed 64 bits with Zaqar\'s text', () => {
      expect(() => parseJsonText('[9223372036854775808]')).to.throw(JsonParseError, 'JSON contains integer that is too large.');
    });
    it('rejects malformed text', () => {
      expect(() => parseJsonText('{')).to.throw(JsonParseError, 'Request body could not be parsed.');
      expect(() => parseJsonText('{"a": 1.5,}')).to.throw(JsonParseError, 'Request body could not be parsed.');
    });
  });

  describe('parseJsonBody', () => {
    it('requires an object or array at the top', () => {
      expect(() => parseJsonBody('"x"')).to.throw(JsonParseError);
      expect(() => parseJsonBody('null')).to.throw(JsonParseError);
      expect(parseJsonBody('[]')).to.deep.equal([]);
    });
    it('rejects invalid UTF-8', () => {
      expect(() => parseJsonBody(Buffer.from([0x5b, 0xc3, 0x28, 0x5d]))).to.throw(JsonParseError);
    });
  });

  describe('dumpJson', () => {
    it('writes Python separators and raw UTF-8', () => {
      expect(dumpJson({ a: [1, 'é'], b: null, c: true })).to.equal('{"a": [1, "é"], "b": null, "c": true}');
    });
    it('splices RawJson and JsonNumber verbatim', () => {
      expect(dumpJson({ body: new RawJson('{"x": 1.0}'), n: new JsonNumber('1e400') })).to.equal('{"body": {"x": 1.0}, "n": 1e400}');
    });
    it('skips undefined members like JSON.stringify', () => {
      expect(dumpJson({ a: undefined, b: 1 })).to.equal('{"b": 1}');
    });
  });

  describe('dumpJsonAscii (checksums)', () => {
    it('escapes non-ASCII like Python json.dumps, surrogate pairs included', () => {
      expect(dumpJsonAscii('héllo')).to.equal('"h\\u00e9llo"');
      expect(dumpJsonAscii('😀')).to.equal('"\\ud83d\\ude00"');
    });
  });

  describe('isTruthy', () => {
    it('follows Python truthiness', () => {
      for (const v of [0, '', [], {}, null, false, undefined, new JsonNumber('0.0')]) expect(isTruthy(v), String(v)).to.equal(false);
      for (const v of [1, 'a', [0], { a: 0 }, true, new JsonNumber('0.5')]) expect(isTruthy(v)).to.equal(true);
    });
  });
});

describe('common/json parse fast path', () => {
  it('keeps JSON.parse\'s values when every number prints back as written (plain floats, safe integers)', () => {
    const value = parseJsonText('{"ts": 1796214201153.123, "n": 42, "s": "1.0 inside a string", "f": [0.5, -2.25]}') as Record<string, unknown>;
    expect(value.ts).to.equal(1796214201153.123);
    expect((value.f as unknown[])[1]).to.equal(-2.25);
    expect(dumpJson(value)).to.equal('{"ts": 1796214201153.123, "n": 42, "s": "1.0 inside a string", "f": [0.5, -2.25]}');
  });

  for (const literal of ['1.0', '2.50', '1e5', '1E-7', '0.00001', '12345678901234567', '1e16', '-0.0', '10000000000000000.5']) {
    it(`keeps the spelling of ${literal} (the lossless parser takes it)`, () => {
      const value = parseJsonText(`{"x": ${literal}, "y": 1.5}`) as Record<string, unknown>;
      expect(value.x).to.be.instanceOf(JsonNumber);
      expect(dumpJson(value)).to.equal(`{"x": ${literal}, "y": 1.5}`);
    });
  }
});

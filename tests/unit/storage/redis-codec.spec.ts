/**
 * The MessagePack codec of the Redis stores (plugins/storage/redis/codec.ts)
 * against Python's msgpack 1.0 as the reference uses it
 * (`msgpack.Packer(use_bin_type=True)`, `msgpack.unpackb`): the fixtures
 * below were produced with Debian's python3 and python3-msgpack, so the
 * bytes we write are the bytes Zaqar writes, and what we read back is what
 * Zaqar would answer.
 */
import { expect } from 'chai';
import { MsgpackDecodeError, packJson, unpackToJsonText } from '../../../plugins/storage/redis/codec';
import { decodeBody, decodeJsonField, encodeJsonField } from '../../../plugins/storage/redis/json-fields';
import { dumpJson, JsonNumber, parseJsonText } from '../../../zaqar/common/json';
import { pythonJsonFloat } from '../../../zaqar/common/python';

/** Python 3.11 `json.loads(text)` → `msgpack.packb(value, use_bin_type=True)` → hex, and `json.dumps(msgpack.unpackb(bytes), ensure_ascii=False)`. */
const PYTHON_DOCUMENTS: { json: string; hex: string; dumped: string }[] = [
  {
    json: "{\"event\": \"BackupStarted\", \"nested\": {\"list\": [1, \"two\", {\"three\": [null, true, false]}], \"empty\": {}}}",
    hex: "82a56576656e74ad4261636b757053746172746564a66e657374656482a46c6973749301a374776f81a5746872656593c0c3c2a5656d70747980",
    dumped: "{\"event\": \"BackupStarted\", \"nested\": {\"list\": [1, \"two\", {\"three\": [null, true, false]}], \"empty\": {}}}",
  },
  {
    json: "{\"ключ\": \"значение\", \"emoji\": \"😀 ✓\", \"escaped\": \"quote \\\" backslash \\\\ newline \\n tab \\t\", \"nul\": \"\\u0000\"}",
    hex: "84a8d0bad0bbd18ed187b0d0b7d0bdd0b0d187d0b5d0bdd0b8d0b5a5656d6f6a69a8f09f988020e29c93a765736361706564d92371756f74652022206261636b736c617368205c206e65776c696e65200a207461622009a36e756ca100",
    dumped: "{\"ключ\": \"значение\", \"emoji\": \"😀 ✓\", \"escaped\": \"quote \\\" backslash \\\\ newline \\n tab \\t\", \"nul\": \"\\u0000\"}",
  },
  {
    json: "{\"float\": 1.0, \"exp\": 1e+100, \"neg\": -0.5}",
    hex: "83a5666c6f6174cb3ff0000000000000a3657870cb54b249ad2594c37da36e6567cbbfe0000000000000",
    dumped: "{\"float\": 1.0, \"exp\": 1e+100, \"neg\": -0.5}",
  },
  {
    json: "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, \"safe\": 9007199254740991}",
    hex: "83a36d6178cf7fffffffffffffffa36d696ed38000000000000000a473616665cf001fffffffffffff",
    dumped: "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, \"safe\": 9007199254740991}",
  },
  {
    json: "\"just a string\"",
    hex: "ad6a757374206120737472696e67",
    dumped: "\"just a string\"",
  },
  {
    json: "3.14",
    hex: "cb40091eb851eb851f",
    dumped: "3.14",
  },
  {
    json: "42",
    hex: "2a",
    dumped: "42",
  },
  {
    json: "null",
    hex: "c0",
    dumped: "null",
  },
  {
    json: "true",
    hex: "c3",
    dumped: "true",
  },
  {
    json: "[]",
    hex: "90",
    dumped: "[]",
  },
  {
    json: "{}",
    hex: "80",
    dumped: "{}",
  },
  {
    json: "[\"mixed\", 1, 2.5, {\"k\": []}]",
    hex: "94a56d6978656401cb400400000000000081a16b90",
    dumped: "[\"mixed\", 1, 2.5, {\"k\": []}]",
  },
  {
    json: "[0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649]",
    hex: "dc0012007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff",
    dumped: "[0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649]",
  },
  {
    json: "[1e16, 1e15, 0.0001, 1e-05, 1e-07, -0.0, 123456789012345678.0, 5e-324, 1.7976931348623157e+308, 0.1, 0.30000000000000004]",
    hex: "9bcb4341c37937e08000cb430c6bf526340000cb3f1a36e2eb1c432dcb3ee4f8b588e368f1cb3e7ad7f29abcaf48cb8000000000000000cb437b69b4ba630f35cb0000000000000001cb7fefffffffffffffcb3fb999999999999acb3fd3333333333334",
    dumped: "[1e+16, 1000000000000000.0, 0.0001, 1e-05, 1e-07, -0.0, 1.2345678901234568e+17, 5e-324, 1.7976931348623157e+308, 0.1, 0.30000000000000004]",
  },
  {
    json: "{\"s31\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"s32\": \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\", \"s255\": \"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\", \"s256\": \"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\"}",
    hex: "84a3733331bf78787878787878787878787878787878787878787878787878787878787878a3733332d9207979797979797979797979797979797979797979797979797979797979797979a473323535d9ff7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7aa473323536da010077777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777777",
    dumped: "{\"s31\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"s32\": \"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\", \"s255\": \"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\", \"s256\": \"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\"}",
  },
  {
    json: "{\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": 6, \"k7\": 7, \"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11, \"k12\": 12, \"k13\": 13, \"k14\": 14, \"k15\": 15}",
    hex: "de0010a26b3000a26b3101a26b3202a26b3303a26b3404a26b3505a26b3606a26b3707a26b3808a26b3909a36b31300aa36b31310ba36b31320ca36b31330da36b31340ea36b31350f",
    dumped: "{\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": 6, \"k7\": 7, \"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11, \"k12\": 12, \"k13\": 13, \"k14\": 14, \"k15\": 15}",
  },
  {
    json: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]",
    hex: "dc0010000102030405060708090a0b0c0d0e0f",
    dumped: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]",
  },
];

/** float64 bits (hex) → Python `repr()`: random doubles from a 20,000-value run of this comparison (all agreed). */
const PYTHON_FLOAT_REPRS: [string, string][] = [
  ["c1181673555fdf00", "-394652.8333735317"],
  ["df7f05f507041c72", "-1.0155128087830637e+152"],
  ["afef842c34ac2061", "-8.505627341919451e-78"],
  ["3c670ef54646d497", "1e-17"],
  ["d35b4a2c425292a0", "-3.5577713769288056e+93"],
  ["3d2293cd1bde90c6", "3.3e-14"],
  ["411222ffa42ac204", "297151.91031935834"],
  ["d46445ca18aa400b", "-3.464163425175408e+98"],
  ["40c019a51eb851ec", "8243.29"],
  ["3f014d2f5dbb9cfa", "3.3e-05"],
  ["c129c2c4efc7581e", "-844130.4683177506"],
  ["971c83c741af5088", "-2.384144429042578e-197"],
  ["40c183e8f5c28f5c", "8967.82"],
  ["411a5b17babf6ce4", "431813.9323708548"],
  ["4104ded000000000", "170970.0"],
  ["78e21321cf54de88", "1.9555908538871725e+274"],
  ["2bdb1496acef97af", "1.9809653329124793e-97"],
  ["ae031982fe598e86", "-4.800613980680673e-87"],
  ["420771d8df8a32a2", "12586785777.274723"],
  ["4087c84bc6a7ef9e", "761.037"],
  ["c0e1929396e4f600", "-35988.61216972396"],
  ["290ca72bc7f2f133", "5.957195972747778e-111"],
  ["411012bc63dbf76c", "263343.0975187931"],
  ["4177d78400000000", "25000000.0"],
  ["c1228f654c49bea2", "-608178.6490001271"],
  ["c1059ab000000000", "-176982.0"],
  ["4665ea199d106a37", "1.3889934959660604e+31"],
  ["03d75a09e5a752b5", "3.7440612307050994e-290"],
  ["c0b3ec8f5c28f5c3", "-5100.56"],
  ["226b01362193c0fd", "6.9204118885823225e-143"],
  ["3d85fd7fe1796495", "2.5e-12"],
  ["41120dfb2e4930ec", "295806.7952010769"],
  ["4110e48c00000000", "276771.0"],
  ["df5d3d44ea632994", "-2.392793935708684e+151"],
  ["826f2fc0a72a160d", "-5.960756635780106e-297"],
  ["d84ec4dfe9c6c699", "-2.4247239390378078e+117"],
  ["4115b0e7124b3ee0", "355385.7678651642"],
  ["4109c00a387b44f0", "210945.2775788675"],
  ["c11fde7a8e8f5787", "-522142.63921868097"],
  ["412deaa200000000", "980305.0"],
];
const hex = (text: string): Buffer => Buffer.from(text, 'hex');

describe('redis codec (MessagePack as Zaqar writes it)', () => {
  describe('bytes identical to Python msgpack', () => {
    for (const doc of PYTHON_DOCUMENTS) {
      it(`packs ${doc.json.slice(0, 50)}`, () => {
        expect(packJson(parseJsonText(doc.json)).bytes.toString('hex')).to.equal(doc.hex);
      });
      it(`reads back ${doc.json.slice(0, 50)} as Python answers it`, () => {
        expect(unpackToJsonText(hex(doc.hex))).to.equal(doc.dumped);
      });
    }

    it('chooses the 16/32-bit headers at the same sizes as Python', () => {
      // Prefixes of python's packb for these values (first 6 bytes).
      const cases: [unknown, string][] = [
        ['a'.repeat(70000), 'db0001117061'],
        [Array.from({ length: 70000 }, (_, i) => i), 'dd0001117000'],
        [Object.fromEntries(Array.from({ length: 70000 }, (_, i) => [`k${String(i).padStart(5, '0')}`, 0])), 'df00011170a6'],
        ['é'.repeat(20), 'd928c3a9c3a9'],
        ['x'.repeat(65535), 'daffff787878'],
        ['x'.repeat(65536), 'db0001000078'],
      ];
      for (const [value, prefix] of cases) expect(packJson(value).bytes.subarray(0, 6).toString('hex')).to.equal(prefix);
    });
  });

  describe("Python's float repr", () => {
    it('formats doubles exactly as Python (random doubles)', () => {
      for (const [bits, repr] of PYTHON_FLOAT_REPRS) expect(pythonJsonFloat(hex(bits).readDoubleBE(0)), bits).to.equal(repr);
    });

    it('switches to exponent notation where Python does', () => {
      const cases: [number, string][] = [
        [1, '1.0'],
        [-0, '-0.0'],
        [0, '0.0'],
        [1e15, '1000000000000000.0'],
        [1e16, '1e+16'],
        [1.5e16, '1.5e+16'],
        [0.0001, '0.0001'],
        [0.00001, '1e-05'],
        [1e-7, '1e-07'],
        [1e100, '1e+100'],
        [123456789012345678, '1.2345678901234568e+17'],
        [5e-324, '5e-324'],
        [0.1 + 0.2, '0.30000000000000004'],
      ];
      for (const [value, repr] of cases) expect(pythonJsonFloat(value), String(value)).to.equal(repr);
    });
  });

  describe('exact JSON spelling', () => {
    it('needs no side text when MessagePack spells the value as it came', () => {
      for (const text of ['{"a": 1.0, "b": -0.5, "c": 1e+100}', '[9223372036854775807, -9223372036854775808]', '"😀"', '{}']) {
        expect(packJson(parseJsonText(text)).exactText, text).to.equal(undefined);
      }
    });

    it('keeps the exact text when MessagePack would respell it', () => {
      for (const text of ['{"price": 2.50}', '[1E5]', '[1e16]', '[1e400]', '["\\ud800"]']) {
        const value = parseJsonText(text);
        const packed = packJson(value);
        expect(packed.exactText, text).to.equal(dumpJson(value));
      }
    });

    it('writes the value the reference would have stored (2.50 is the float 2.5)', () => {
      expect(packJson(parseJsonText('[2.50]')).bytes.toString('hex')).to.equal('91cb4004000000000000');
      expect(unpackToJsonText(packJson(parseJsonText('[2.50]')).bytes)).to.equal('[2.5]');
    });

    it('round-trips bodies exactly through the stored fields', () => {
      for (const text of ['{"price": 2.50, "big": 9223372036854775807}', '[1.0, 1E5, 0.10]', '"plain"']) {
        const [bytes, exact] = encodeJsonField(parseJsonText(text));
        expect(decodeBody(bytes, exact === '' ? null : exact).text).to.equal(dumpJson(parseJsonText(text)));
      }
      expect(decodeBody(null, null).text).to.equal('{}');
    });

    it('trusts the side text of a mutable field only while the bytes still match it', () => {
      const [bytes, exact] = encodeJsonField({ ratio: new JsonNumber('2.50') });
      expect(dumpJson(decodeJsonField(bytes, exact))).to.equal('{"ratio": 2.50}');
      // A writer that does not know the side field (the reference) replaced the bytes.
      const [replaced] = encodeJsonField({ ratio: 3 });
      expect(dumpJson(decodeJsonField(replaced, exact))).to.equal('{"ratio": 3}');
    });
  });

  describe('reading what other writers may have stored', () => {
    it('reads float32 as Python does', () => {
      expect(unpackToJsonText(hex('ca3fc00000'))).to.equal('1.5');
      expect(unpackToJsonText(hex('ca3dcccccd'))).to.equal('0.10000000149011612');
    });

    it('turns non-string map keys into strings, as json.dumps does', () => {
      expect(unpackToJsonText(hex('8301c0c3c2cb3ff8000000000000a178'))).to.equal('{"1": null, "true": false, "1.5": "x"}');
    });

    it('reads old raw strings and bin as text', () => {
      expect(unpackToJsonText(hex('a3616263'))).to.equal('"abc"');
      expect(unpackToJsonText(hex('c403616263'))).to.equal('"abc"');
    });

    it('refuses what has no JSON meaning, and damaged bytes', () => {
      for (const bad of ['d40100', 'c1', '92c0', 'a5616263', 'c0c0']) {
        expect(() => unpackToJsonText(hex(bad)), bad).to.throw(MsgpackDecodeError);
      }
    });
  });
});

import {
  CtyCodecError,
  decodeValue,
  encodeValue,
  impliedType,
  typeFromJson,
  typeToJson,
  valueFromJson,
} from '../../src/protocol/codec';
import type { SchemaBlock } from '../../src/protocol/provider';
import { ExactNumber, UNKNOWN, ctyEqual, type CtyType, type CtyValue } from '../../src/protocol/values';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const roundTrip = (value: CtyValue, type: CtyType): CtyValue => decodeValue(encodeValue(value, type), type);

/** The error thrown by `action`, so tests can look at its path as well as its message. */
function errorOf(action: () => unknown): CtyCodecError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CtyCodecError);
    return error as CtyCodecError;
  }
  throw new Error('expected an error, none was thrown');
}

describe('round trips', () => {
  const cases: Array<[string, CtyValue, CtyType]> = [
    ['string', 'hello ✓', 'string'],
    ['empty string', '', 'string'],
    ['bool true', true, 'bool'],
    ['bool false', false, 'bool'],
    ['small int', 7, 'number'],
    ['negative int', -300, 'number'],
    ['float', 1.5, 'number'],
    ['int beyond 32 bits', 2 ** 40, 'number'],
    ['negative int beyond 32 bits', -(2 ** 40), 'number'],
    ['max safe int', Number.MAX_SAFE_INTEGER, 'number'],
    ['list', ['a', 'b'], ['list', 'string']],
    ['set', [1, 2, 3], ['set', 'number']],
    ['map', { x: true, y: false }, ['map', 'bool']],
    ['object', { name: 'n', count: 2, on: true }, ['object', { name: 'string', count: 'number', on: 'bool' }]],
    ['tuple', ['a', 1, false], ['tuple', ['string', 'number', 'bool']]],
    [
      'objects in a list (as nested blocks produce)',
      [
        { email: 'a@x', role: 'viewer' },
        { email: 'b@x', role: null },
      ],
      ['list', ['object', { email: 'string', role: 'string' }]],
    ],
    ['map of lists', { a: [1, 2], b: [] }, ['map', ['list', 'number']]],
  ];
  test.each(cases)('%s', (_name, value, type) => {
    expect(roundTrip(value, type)).toEqual(value);
  });

  test('ExactNumber decimals and big integers come back byte-exact', () => {
    for (const text of ['0.1000000000000000000001', '0.10', '12345678901234567891', '-0.000000000000000000001']) {
      const bytes = encodeValue(new ExactNumber(text), 'number');
      // msgpack str: how Terraform sends numbers no int64 or float64 holds exactly.
      expect(hex(bytes)).toBe(hex(Buffer.concat([Buffer.from([0xa0 + text.length]), Buffer.from(text)])));
      const decoded = decodeValue(bytes, 'number');
      expect(decoded).toEqual(new ExactNumber(text));
      expect(hex(encodeValue(decoded, 'number'))).toBe(hex(bytes));
    }
    // Text a double writes back identically becomes a JS number, and still round-trips byte-exact.
    for (const [text, number] of [['0.1', 0.1], ['7', 7], ['-2.5', -2.5]] as const) {
      const bytes = encodeValue(new ExactNumber(text), 'number');
      expect(decodeValue(bytes, 'number')).toBe(number);
      expect(hex(encodeValue(number, 'number'))).toBe(hex(bytes));
    }
  });

  test('int64 beyond the safe range decodes to ExactNumber and re-encodes as the same decimal text', () => {
    const int64 = fromHex('d3 7f ff ff ff ff ff ff ff'); // 2^63 - 1 as int64
    const decoded = decodeValue(int64, 'number');
    expect(decoded).toEqual(new ExactNumber('9223372036854775807'));
    expect(hex(encodeValue(decoded, 'number'))).toBe(hex(Buffer.from([0xb3])) + hex(Buffer.from('9223372036854775807')));
    expect(decodeValue(fromHex('d3 80 00 00 00 00 00 00 00'), 'number')).toEqual(
      new ExactNumber('-9223372036854775808'),
    );
    // A uint64 that fits a JS number exactly is just a number.
    expect(decodeValue(fromHex('cf 00 00 00 00 00 00 00 05'), 'number')).toBe(5);
  });

  test('bigint is encoded as its decimal text', () => {
    expect(hex(encodeValue(5n as unknown as CtyValue, 'number'))).toBe('a135');
    // Beyond 2^53 a double may hold the value, but String() of it would not print it: kept as text.
    expect(decodeValue(encodeValue(-(2n ** 62n) as unknown as CtyValue, 'number'), 'number')).toEqual(new ExactNumber((-(2n ** 62n)).toString()));
    const big = 2n ** 70n;
    expect(decodeValue(encodeValue(big as unknown as CtyValue, 'number'), 'number')).toEqual(
      new ExactNumber(big.toString()),
    );
  });

  test('float32 and float64 decode to numbers', () => {
    expect(decodeValue(fromHex('ca 3f c0 00 00'), 'number')).toBe(1.5);
    expect(decodeValue(fromHex('cb 3f b9 99 99 99 99 99 9a'), 'number')).toBe(0.1);
  });

  test('dynamic: inferred type travels with the value, decoding returns the value', () => {
    const value = { name: 'x', sizes: [1, 'two', true], nothing: null };
    expect(roundTrip(value, 'dynamic')).toEqual(value);
    expect(roundTrip('plain', 'dynamic')).toBe('plain');
    expect(roundTrip(new ExactNumber('0.10'), 'dynamic')).toEqual(new ExactNumber('0.10'));
    expect(roundTrip(null, 'dynamic')).toBeNull();
    expect(roundTrip(UNKNOWN, 'dynamic')).toBe(UNKNOWN);
  });

  test('dynamic attribute inside an object', () => {
    const type: CtyType = ['object', { id: 'string', extra: 'dynamic' }];
    const value = { id: 'a', extra: { deep: [1, 2] } };
    expect(roundTrip(value, type)).toEqual(value);
  });
});

describe('exact bytes', () => {
  test('object with a null attribute', () => {
    // fixmap(2) "a" "x" "b" nil
    expect(hex(encodeValue({ a: 'x', b: null }, ['object', { a: 'string', b: 'string' }]))).toBe('82a161a178a162c0');
  });

  test('object attributes are written in sorted name order whatever the JS key order', () => {
    const type: CtyType = ['object', { b: 'bool', a: 'number' }];
    expect(hex(encodeValue({ b: true, a: 1 }, type))).toBe('82a161a131a162c3');
  });

  test('numbers are written as their decimal text, which Terraform parses as it parses state JSON', () => {
    const text = (value: string) => hex(Buffer.from([0xa0 + value.length])) + hex(Buffer.from(value));
    expect(hex(encodeValue(0, 'number'))).toBe(text('0'));
    expect(hex(encodeValue(-0, 'number'))).toBe(text('0'));
    expect(hex(encodeValue(-1, 'number'))).toBe(text('-1'));
    expect(hex(encodeValue(300, 'number'))).toBe(text('300'));
    expect(hex(encodeValue(1.5, 'number'))).toBe(text('1.5'));
    expect(hex(encodeValue(0.1, 'number'))).toBe(text('0.1'));
    expect(hex(encodeValue(2 ** 60, 'number'))).toBe(text('1152921504606846976'));
        expect(hex(encodeValue(new ExactNumber('1e400'), 'number'))).toBe(text('1e400'));
    expect(() => encodeValue(Infinity, 'number')).toThrow(/Infinity is not a number Terraform can represent/);
    expect(() => encodeValue(NaN, 'number')).toThrow(/NaN is not a number Terraform can represent/);
  });

  test('unknown is fixext1 type 0 with one zero byte, as go-cty writes it', () => {
    expect(hex(encodeValue(UNKNOWN, 'string'))).toBe('d40000');
  });

  test('dynamic is [type JSON as bin, value]', () => {
    // fixarray(2), bin8(8) "\"string\"", fixstr(1) "x"
    expect(hex(encodeValue('x', 'dynamic'))).toBe('92c408' + hex(Buffer.from('"string"')) + 'a178');
  });

  test('list, map and empty containers', () => {
    expect(hex(encodeValue(['a'], ['list', 'string']))).toBe('91a161');
    expect(hex(encodeValue({ k: 1 }, ['map', 'number']))).toBe('81a16ba131');
    expect(hex(encodeValue([], ['set', 'string']))).toBe('90');
    expect(hex(encodeValue({}, ['map', 'string']))).toBe('80');
    expect(hex(encodeValue(null, ['map', 'string']))).toBe('c0');
  });
});

describe('null and empty stay distinct', () => {
  test('empty map vs null map', () => {
    expect(roundTrip({}, ['map', 'string'])).toEqual({});
    expect(roundTrip(null, ['map', 'string'])).toBeNull();
  });

  test('empty list vs null list', () => {
    expect(roundTrip([], ['list', 'string'])).toEqual([]);
    expect(roundTrip(null, ['list', 'string'])).toBeNull();
  });

  test('empty object type vs null', () => {
    expect(roundTrip({}, ['object', {}])).toEqual({});
    expect(roundTrip(null, ['object', {}])).toBeNull();
  });

  test('null at every level', () => {
    const type: CtyType = ['object', { tags: ['map', 'string'], items: ['list', 'string'], name: 'string' }];
    expect(roundTrip({ tags: { a: null }, items: [null], name: null }, type)).toEqual({
      tags: { a: null },
      items: [null],
      name: null,
    });
  });

  test('empty or absent bytes decode as null', () => {
    expect(decodeValue(undefined, 'string')).toBeNull();
    expect(decodeValue(null, ['object', { a: 'string' }])).toBeNull();
    expect(decodeValue(new Uint8Array(0), ['list', 'string'])).toBeNull();
  });
});

describe('objects carry exactly their attributes', () => {
  const type: CtyType = ['object', { a: 'string', b: 'string' }];

  test('missing attributes encode as null', () => {
    expect(hex(encodeValue({ a: 'x' }, type))).toBe('82a161a178a162c0');
    expect(roundTrip({ b: 'y' }, type)).toEqual({ a: null, b: 'y' });
  });

  test('an extra attribute is an error naming it', () => {
    const error = errorOf(() => encodeValue({ a: 'x', c: 'z' }, type));
    expect(error.message).toContain('unsupported attribute "c"');
  });

  test('decoding a map with a key the type lacks is an error', () => {
    const bytes = fromHex('82 a1 61 a1 78 a1 7a a1 79'); // {a: "x", z: "y"}
    expect(errorOf(() => decodeValue(bytes, type)).message).toContain('unsupported attribute "z"');
  });

  test('decoding fills attributes the bytes omit with null', () => {
    expect(decodeValue(fromHex('81 a1 61 a1 78'), type)).toEqual({ a: 'x', b: null });
  });

  test('attribute names that are Object.prototype members are just names', () => {
    const attributeTypes = Object.fromEntries<CtyType>([['constructor', 'string'], ['toString', 'string']]);
    const protoType: CtyType = ['object', attributeTypes];
    // JSON.parse makes "constructor" an own key; a JS literal would be checked against Object's members.
    const value = JSON.parse('{"constructor":"c"}') as CtyValue;
    expect(roundTrip(value, protoType)).toEqual(JSON.parse('{"constructor":"c","toString":null}'));
    expect(roundTrip({}, protoType)).toEqual(JSON.parse('{"constructor":null,"toString":null}'));
  });
});

describe('unknown values', () => {
  const type: CtyType = [
    'object',
    {
      id: 'string',
      tags: ['map', 'string'],
      members: ['list', ['object', { email: 'string' }]],
      any: 'dynamic',
    },
  ];

  test('at the top level', () => {
    expect(roundTrip(UNKNOWN, type)).toBe(UNKNOWN);
  });

  test('as an attribute, a map element, a list element and a nested attribute', () => {
    const value: CtyValue = { id: UNKNOWN, tags: { a: UNKNOWN }, members: [UNKNOWN, { email: UNKNOWN }], any: UNKNOWN };
    const decoded = roundTrip(value, type) as Record<string, CtyValue>;
    expect(decoded.id).toBe(UNKNOWN);
    expect(decoded.tags).toEqual({ a: UNKNOWN });
    expect((decoded.members as CtyValue[])[0]).toBe(UNKNOWN);
    expect((decoded.members as CtyValue[])[1]).toEqual({ email: UNKNOWN });
    expect(decoded.any).toBe(UNKNOWN);
    expect(ctyEqual(decoded, value)).toBe(true);
  });

  test('refined unknown (extension 12 with a refinement map) decodes as unknown', () => {
    // ext8, 3 bytes, type 12: {1: false} — "definitely not null"
    expect(decodeValue(fromHex('c7 03 0c 81 01 c2'), 'string')).toBe(UNKNOWN);
    // ext8, 7 bytes, type 12: {1: false, 2: "ab"} — not null, string prefix "ab"
    expect(decodeValue(fromHex('c7 07 0c 82 01 c2 02 a2 61 62'), 'string')).toBe(UNKNOWN);
    // ext8, 3 bytes, type 12: {6: 3} — a collection of at most 3 elements
    expect(decodeValue(fromHex('c7 03 0c 81 06 03'), ['list', 'string'])).toBe(UNKNOWN);
    // Inside an object attribute.
    expect(decodeValue(fromHex('81 a1 61 c7 03 0c 81 01 c2'), ['object', { a: 'number' }])).toEqual({ a: UNKNOWN });
  });

  test('refined unknown whose payload is not a map is rejected', () => {
    const error = errorOf(() => decodeValue(fromHex('d5 0c a1 78'), 'string'));
    expect(error.message).toContain('extension 12');
  });

  test('any other extension type is an error, with its path', () => {
    const other = errorOf(() => decodeValue(fromHex('81 a1 61 d4 05 00'), ['object', { a: 'string' }]));
    expect(other.message).toBe('.a: unexpected msgpack extension type 5');
    // The msgpack timestamp extension (-1) must not become a Date.
    const timestamp = errorOf(() => decodeValue(fromHex('d6 ff 00 00 00 00'), 'string'));
    expect(timestamp.message).toContain('extension type -1');
  });
});

describe('errors name the path', () => {
  const type: CtyType = [
    'object',
    { tags: ['map', 'bool'], members: ['list', ['object', { email: 'string' }]], pair: ['tuple', ['string', 'number']] },
  ];

  test('encoding a string where a bool is expected', () => {
    const error = errorOf(() => encodeValue({ tags: { x: 'yes' } } as unknown as CtyValue, type));
    expect(error.message).toBe('.tags["x"]: expected bool, got string');
    expect(error.attributePath).toEqual([{ attribute: 'tags' }, { key: 'x' }]);
  });

  test('encoding a wrong kind deep in a list of objects', () => {
    const value = { members: [{ email: 'a' }, { email: 5 }] } as unknown as CtyValue;
    expect(errorOf(() => encodeValue(value, type)).message).toBe('.members[1].email: expected string, got number');
  });

  test('encoding an extra attribute in a nested object', () => {
    const value = { members: [{ email: 'a', name: 'n' }] } as unknown as CtyValue;
    expect(errorOf(() => encodeValue(value, type)).message).toBe('.members[0]: unsupported attribute "name"');
  });

  test('encoding a tuple of the wrong length, an array where a map is expected, a bad ExactNumber, NaN', () => {
    expect(errorOf(() => encodeValue({ pair: ['a'] }, type)).message).toBe(
      '.pair: expected a tuple of 2 elements, got 1',
    );
    expect(errorOf(() => encodeValue({ tags: [] }, type)).message).toBe('.tags: expected map, got array');
    expect(errorOf(() => encodeValue(new ExactNumber('1.2.3'), 'number')).message).toContain('invalid number');
    expect(errorOf(() => encodeValue(NaN, 'number')).message).toContain('NaN');
  });

  test('error at the top level', () => {
    expect(errorOf(() => encodeValue('x', 'bool')).message).toBe('(value): expected bool, got string');
  });

  test('decoding a wrong msgpack kind', () => {
    // {tags: {x: "str"}}
    const bytes = fromHex('81 a4 74 61 67 73 81 a1 78 a3 73 74 72');
    const error = errorOf(() => decodeValue(bytes, type));
    expect(error.message).toBe('.tags["x"]: expected bool, got string');
    expect(errorOf(() => decodeValue(fromHex('a1 78'), ['list', 'string'])).message).toBe(
      '(value): expected list, got string',
    );
  });

  test('decoding a string that is not a number where a number is expected', () => {
    expect(errorOf(() => decodeValue(fromHex('a3 61 62 63'), 'number')).message).toBe('(value): invalid number "abc"');
  });

  test('decoding bytes that are not msgpack, or have trailing bytes', () => {
    expect(errorOf(() => decodeValue(fromHex('c1'), 'string')).message).toContain('invalid msgpack');
    expect(errorOf(() => decodeValue(fromHex('a1 78 00'), 'string')).message).toContain('invalid msgpack');
  });

  test('decoding a dynamic value with malformed type JSON', () => {
    // [bin "strin", "x"]
    const bytes = fromHex('92 c4 05' + hex(Buffer.from('strin')) + 'a1 78');
    expect(errorOf(() => decodeValue(bytes, 'dynamic')).message).toContain('invalid type JSON');
  });
});

describe('dynamic decoding', () => {
  test('accepts the type JSON as str as well as bin', () => {
    const typeJson = Buffer.from('["list","number"]');
    const asStr = fromHex('92 b1' + hex(typeJson) + '92 01 02');
    const asBin = fromHex('92 c4 11' + hex(typeJson) + '92 01 02');
    expect(decodeValue(asStr, 'dynamic')).toEqual([1, 2]);
    expect(decodeValue(asBin, 'dynamic')).toEqual([1, 2]);
  });

  test('the type JSON governs the value', () => {
    const bytes = fromHex('92 c4 08' + hex(Buffer.from('"number"')) + 'a4' + hex(Buffer.from('0.10')));
    expect(decodeValue(bytes, 'dynamic')).toEqual(new ExactNumber('0.10'));
  });
});

describe('impliedType', () => {
  test('attributes by type, nested blocks by nesting', () => {
    const member: SchemaBlock = {
      attributes: [{ name: 'email', type: 'string', required: true }],
      blockTypes: [],
    };
    const block: SchemaBlock = {
      attributes: [
        { name: 'name', type: 'string', required: true },
        { name: 'tags', type: ['map', 'string'], optional: true },
      ],
      blockTypes: [
        { typeName: 'settings', nesting: 'single', block: { attributes: [{ name: 'theme', type: 'string' }], blockTypes: [] } },
        { typeName: 'timeouts', nesting: 'group', block: { attributes: [{ name: 'create', type: 'string' }], blockTypes: [] } },
        { typeName: 'member', nesting: 'list', block: member },
        { typeName: 'group', nesting: 'set', block: member },
        { typeName: 'by_name', nesting: 'map', block: member },
      ],
    };
    expect(impliedType(block)).toEqual([
      'object',
      {
        name: 'string',
        tags: ['map', 'string'],
        settings: ['object', { theme: 'string' }],
        timeouts: ['object', { create: 'string' }],
        member: ['list', ['object', { email: 'string' }]],
        group: ['set', ['object', { email: 'string' }]],
        by_name: ['map', ['object', { email: 'string' }]],
      },
    ]);
  });

  test('a value of the implied type round-trips', () => {
    const block: SchemaBlock = {
      attributes: [{ name: 'id', type: 'string', computed: true }],
      blockTypes: [
        {
          typeName: 'rule',
          nesting: 'list',
          block: { attributes: [{ name: 'port', type: 'number' }], blockTypes: [] },
        },
      ],
    };
    const type = impliedType(block);
    const value = { id: UNKNOWN, rule: [{ port: 80 }, { port: 443 }] };
    expect(ctyEqual(roundTrip(value, type), value)).toBe(true);
  });
});

describe('typeToJson and typeFromJson', () => {
  test('cty JSON type notation', () => {
    expect(typeToJson('string').toString()).toBe('"string"');
    expect(typeToJson(['map', 'string']).toString()).toBe('["map","string"]');
    expect(typeToJson(['list', ['object', { b: 'bool', a: ['set', 'number'] }]]).toString()).toBe(
      '["list",["object",{"a":["set","number"],"b":"bool"}]]',
    );
    expect(typeToJson(['tuple', ['string', 'dynamic']]).toString()).toBe('["tuple",["string","dynamic"]]');
  });

  test('parses what it writes, and ignores an object type’s optional-attribute list', () => {
    const type: CtyType = ['object', { a: ['list', 'number'], b: ['tuple', ['bool']] }];
    expect(typeFromJson(JSON.parse(typeToJson(type).toString()))).toEqual(type);
    expect(typeFromJson(['object', { a: 'string' }, ['a']])).toEqual(['object', { a: 'string' }]);
    expect(() => typeFromJson(['list'])).toThrow(CtyCodecError);
    expect(() => typeFromJson('text')).toThrow(CtyCodecError);
  });
});

describe('valueFromJson', () => {
  const type: CtyType = [
    'object',
    {
      id: 'string',
      count: 'number',
      enabled: 'bool',
      tags: ['map', 'string'],
      member: ['list', ['object', { email: 'string', role: 'string' }]],
    },
  ];

  test('fills missing attributes with null and drops unknown keys, at every level', () => {
    const state = {
      id: 'abc',
      count: 3,
      removed_attribute: 'old',
      member: [{ email: 'a@x', legacy: true }],
    };
    expect(valueFromJson(state, type)).toEqual({
      id: 'abc',
      count: 3,
      enabled: null,
      tags: null,
      member: [{ email: 'a@x', role: null }],
    });
  });

  test('keeps empty containers distinct from null and numbers as numbers', () => {
    expect(valueFromJson({ tags: {}, member: [], count: 0.5 }, type)).toEqual({
      id: null,
      count: 0.5,
      enabled: null,
      tags: {},
      member: [],
    });
    expect(valueFromJson(null, type)).toBeNull();
  });

  test('converts like cty: numeric strings to ExactNumber, "true" to bool, numbers to strings', () => {
    expect(valueFromJson({ count: '0.10', enabled: 'true', id: 42 }, type)).toMatchObject({
      count: new ExactNumber('0.10'),
      enabled: true,
      id: '42',
    });
  });

  test('dynamic: unwraps cty’s {"value", "type"} form, keeps anything else as is', () => {
    const dynType: CtyType = ['object', { extra: 'dynamic' }];
    expect(valueFromJson({ extra: { value: ['a', 1], type: ['tuple', ['string', 'number']] } }, dynType)).toEqual({
      extra: ['a', 1],
    });
    expect(valueFromJson({ extra: { other: 1 } }, dynType)).toEqual({ extra: { other: 1 } });
  });

  test('names the path of a value that cannot fit', () => {
    expect(errorOf(() => valueFromJson({ member: [{ email: { x: 1 } }] }, type)).message).toBe(
      '.member[0].email: expected string, got object',
    );
  });

  test('leaves its input untouched', () => {
    const state = { id: 'a', extra: 1 };
    valueFromJson(state, type);
    expect(state).toEqual({ id: 'a', extra: 1 });
  });
});

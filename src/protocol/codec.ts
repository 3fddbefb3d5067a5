// The value codec: cty values <-> the msgpack Terraform puts in DynamicValue.msgpack, the JSON
// it stores state as, and the JSON type notation of schema attributes.
//
// Layouts follow go-cty (cty/msgpack, cty/json): null is nil; an unknown is extension 0 with a
// single zero byte (fixext1 `d4 00 00`); a refined unknown is extension 12 whose payload is a map
// of refinements (we accept and drop them); numbers are decoded from any msgpack
// number or decimal string and always encoded as decimal text (see prepareNumber); an object is a map keyed by attribute name (written in sorted name order, as go-cty
// does); a dynamic value is `[type JSON as bin, value]`.
//
// Encoding walks the value against its type once to validate and normalise it (copying only the
// containers whose contents change), then hands the result to one shared msgpack Encoder.
// Decoding lets one shared Decoder build plain JS, then walks it against the type and converts in
// place: the decoded tree is ours alone, so nothing is cloned.
import { Decoder, Encoder, ExtData, type ExtensionCodecType } from '@msgpack/msgpack';
import type { AttributePath, SchemaBlock } from './provider';
import { ExactNumber, UNKNOWN, type CtyType, type CtyValue } from './values';

// ---------------------------------------------------------------------------------------------
// Errors

type StepKind = 0 | 1 | 2;
const ATTRIBUTE: StepKind = 0;
const KEY: StepKind = 1;
const INDEX: StepKind = 2;

/**
 * Where in a value the walk is: a flat list of (kind, name-or-index) pairs, pushed and popped as
 * the walk descends, so tracking the path costs no allocation until an error needs it.
 */
type WalkPath = Array<StepKind | string | number>;

/** A value that does not fit its type, or bytes that are not a valid encoding of it. */
export class CtyCodecError extends Error {
  /** The path as a Terraform attribute path, ready for a diagnostic. */
  readonly attributePath: AttributePath;
  /** The path as text, e.g. `.tags["x"]`; empty for the value itself. */
  readonly pathText: string;

  constructor(path: WalkPath, readonly problem: string) {
    const attributePath: AttributePath = [];
    let text = '';
    for (let i = 0; i < path.length; i += 2) {
      const kind = path[i] as StepKind;
      const step = path[i + 1];
      if (kind === ATTRIBUTE) {
        attributePath.push({ attribute: step as string });
        text += '.' + String(step);
      } else if (kind === KEY) {
        attributePath.push({ key: step as string });
        text += '[' + JSON.stringify(step) + ']';
      } else {
        attributePath.push({ index: step as number });
        text += '[' + String(step) + ']';
      }
    }
    super(`${text || '(value)'}: ${problem}`);
    this.name = 'CtyCodecError';
    this.attributePath = attributePath;
    this.pathText = text;
  }
}

function fail(path: WalkPath, problem: string): never {
  throw new CtyCodecError(path, problem);
}

/** Names the kind of a JS value (as given to the encoder or produced by the decoder) for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value === UNKNOWN) return 'unknown';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
    case 'object':
      if (value instanceof ExactNumber) return 'number';
      if (Array.isArray(value)) return 'array';
      if (ArrayBuffer.isView(value)) return 'binary';
      if (value instanceof ExtData) return `msgpack extension type ${value.type}`;
      if (isPlainObject(value)) return 'object';
      return value.constructor?.name ?? 'object';
    default:
      return typeof value;
  }
}

function mismatch(path: WalkPath, expected: string, value: unknown): never {
  return fail(path, `expected ${expected}, got ${kindOf(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property even when the key is `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** What go-cty's ParseNumberVal accepts in practice: a decimal, optionally with an exponent. */
const DECIMAL_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * A number sent as decimal text (msgpack or JSON state): a JS number when writing that number
 * gives back this very text ("7", "1.5", "0.1"), else kept as text ("0.10", "12345678901234567891")
 * so that it goes back unchanged; integers beyond 2^53 stay text even when a double holds them,
 * since String() of such a number is not its value. Malformed text is rejected with its path.
 */
function numberFromText(text: string, path: WalkPath): number | ExactNumber {
  if (!DECIMAL_NUMBER.test(text)) return fail(path, `invalid number "${text}"`);
  const number = Number(text);
  const exact = Number.isFinite(number) && (!Number.isInteger(number) || Number.isSafeInteger(number)) && numberText(number) === text;
  return exact ? number : new ExactNumber(text);
}

/** The decimal text a JS number is written as: integers exactly, fractions as the shortest text that reads back as the same double. */
function numberText(value: number): string {
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A decoded (or caller-given) bigint as a cty number: a JS number when exact, else its decimal text. */
function numberFromBigInt(value: bigint): number | ExactNumber {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : new ExactNumber(value.toString());
}

/** Sorted attribute names per object type, so each encode of an object does not sort again. */
const sortedNamesCache = new WeakMap<object, readonly string[]>();
function sortedAttributeNames(attributes: { readonly [name: string]: CtyType }): readonly string[] {
  let names = sortedNamesCache.get(attributes);
  if (names === undefined) {
    names = Object.keys(attributes).sort();
    sortedNamesCache.set(attributes, names);
  }
  return names;
}

function invalidType(type: unknown): never {
  throw new Error(`invalid cty type: ${safeJson(type)}`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------
// The shared msgpack Encoder and Decoder

/** go-cty writes a wholly unknown value as fixext1, type 0, one zero byte: `d4 00 00`. */
const UNKNOWN_EXTENSION_TYPE = 0;
/** Terraform 1.11+ writes an unknown with refinements (not null, string prefix, bounds) as type 12. */
const REFINED_UNKNOWN_EXTENSION_TYPE = 12;
const UNKNOWN_EXT = new ExtData(UNKNOWN_EXTENSION_TYPE, new Uint8Array([0]));

/** Stands in for an extension payload we refuse, so the walk can report it with its path. */
class MalformedExtension {
  constructor(readonly problem: string) {}
}

function isMsgpackMapHeader(byte: number): boolean {
  return (byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf;
}

/**
 * Only our two extensions: no built-in timestamp (a stray ext -1 must not turn into a Date), and
 * every other type comes back as ExtData, which the decoding walk rejects with its path.
 */
const extensionCodec: ExtensionCodecType<undefined> = {
  tryToEncode(object: unknown): ExtData | null {
    return object === UNKNOWN ? UNKNOWN_EXT : null;
  },
  decode(data: Uint8Array, extensionType: number): unknown {
    if (extensionType === UNKNOWN_EXTENSION_TYPE) return UNKNOWN;
    if (extensionType === REFINED_UNKNOWN_EXTENSION_TYPE) {
      // The refinements (nullness, string prefix, number and length bounds) are hints we do not
      // use; go-cty requires the payload to be a map, and so do we.
      if (data.length > 0 && !isMsgpackMapHeader(data[0])) {
        return new MalformedExtension('refined unknown (msgpack extension 12) whose payload is not a map');
      }
      return UNKNOWN;
    }
    return new ExtData(extensionType, data);
  },
};

// Numbers are encoded as text (prepareNumber); useBigInt64 lets the Decoder hand over int64 and
// uint64 values Terraform sends without rounding them.
const encoder = new Encoder({ extensionCodec });
const decoder = new Decoder({
  extensionCodec,
  useBigInt64: true,
  mapKeyConverter: (key: unknown): string => {
    // cty maps and objects only have string keys; a numeric key would silently become one.
    if (typeof key !== 'string') throw new Error(`msgpack map key must be a string, got ${typeof key}`);
    return key;
  },
});

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * The msgpack of a cty value, as Terraform expects in DynamicValue.msgpack.
 *
 * Objects carry exactly their type's attributes: a missing (or undefined) attribute is written as
 * null, an attribute the type does not have is an error. For type "dynamic" the value carries no
 * type, so one is inferred: string, number (number, bigint, ExactNumber), bool, arrays as tuples
 * and plain objects as objects of the inferred element types, null and unknown as "dynamic".
 * Throws CtyCodecError, naming the path, when the value does not fit the type.
 */
export function encodeValue(value: CtyValue, type: CtyType): Uint8Array {
  const prepared = prepareForEncoding(value, type, []);
  return encoder.encode(prepared);
}

/**
 * Validates `value` against `type` and returns what the Encoder should write: the same value
 * where nothing changes, otherwise a copy of just the containers whose contents changed.
 */
function prepareForEncoding(value: unknown, type: CtyType, path: WalkPath): unknown {
  if (value === null || value === undefined) return null;
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return typeof value === 'string' ? value : mismatch(path, 'string', value);
      case 'bool':
        return typeof value === 'boolean' ? value : mismatch(path, 'bool', value);
      case 'number':
        return prepareNumber(value, path);
      case 'dynamic':
        return prepareDynamic(value, path);
      default:
        return invalidType(type);
    }
  }
  switch (type[0]) {
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return mismatch(path, type[0], value);
      return prepareElements(value, type[1], path);
    case 'tuple': {
      if (!Array.isArray(value)) return mismatch(path, 'tuple', value);
      const elementTypes = type[1];
      if (value.length !== elementTypes.length) {
        return fail(path, `expected a tuple of ${elementTypes.length} elements, got ${value.length}`);
      }
      let result: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        path.push(INDEX, i);
        const element = prepareForEncoding(value[i], elementTypes[i], path);
        path.length -= 2;
        if (element !== value[i] && result === undefined) result = value.slice(0, i);
        if (result !== undefined) result.push(element);
      }
      return result ?? value;
    }
    case 'map': {
      if (!isPlainObject(value)) return mismatch(path, 'map', value);
      const elementType = type[1];
      let result: Record<string, unknown> | undefined;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const original = value[key];
        path.push(KEY, key);
        const element = prepareForEncoding(original, elementType, path);
        path.length -= 2;
        if (element !== original && result === undefined) {
          result = {};
          for (let j = 0; j < i; j++) setOwn(result, keys[j], value[keys[j]]);
        }
        if (result !== undefined) setOwn(result, key, element);
      }
      return result ?? value;
    }
    case 'object': {
      if (!isPlainObject(value)) return mismatch(path, 'object', value);
      const attributeTypes = type[1];
      for (const key of Object.keys(value)) {
        if (!hasOwn.call(attributeTypes, key)) fail(path, `unsupported attribute "${key}"`);
      }
      // Always a new map in sorted attribute order, with every attribute present.
      const result: Record<string, unknown> = {};
      for (const name of sortedAttributeNames(attributeTypes)) {
        path.push(ATTRIBUTE, name);
        const attributeValue = hasOwn.call(value, name) ? value[name] : null;
        setOwn(result, name, prepareForEncoding(attributeValue, attributeTypes[name], path));
        path.length -= 2;
      }
      return result;
    }
    default:
      return invalidType(type);
  }
}

function prepareElements(value: readonly unknown[], elementType: CtyType, path: WalkPath): unknown[] {
  let result: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    path.push(INDEX, i);
    const element = prepareForEncoding(value[i], elementType, path);
    path.length -= 2;
    if (element !== value[i] && result === undefined) result = value.slice(0, i);
    if (result !== undefined) result.push(element);
  }
  return result ?? (value as unknown[]);
}

/**
 * A number as the Encoder should write it: always its decimal text. go-cty reads a msgpack int
 * or float into a number of another internal precision than the one it parses from the JSON of
 * a state file, and Terraform compares refreshed state with stored state including that
 * precision: with ints on the wire, `plan -refresh-only -detailed-exitcode` exits 2 ("changes")
 * for every resource with a number attribute although no value differs. Decimal text is parsed
 * the way state JSON is, so an unchanged number compares equal.
 */
function prepareNumber(value: unknown, path: WalkPath): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(path, `${value} is not a number Terraform can represent`);
    return numberText(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof ExactNumber) {
    return DECIMAL_NUMBER.test(value.text) ? value.text : fail(path, `invalid number "${value.text}"`);
  }
  return mismatch(path, 'number', value);
}

/** Type JSON bytes of the primitive types, built once: most dynamic values are primitives. */
const PRIMITIVE_TYPE_JSON: Record<string, Buffer> = {
  string: Buffer.from('"string"'),
  number: Buffer.from('"number"'),
  bool: Buffer.from('"bool"'),
  dynamic: Buffer.from('"dynamic"'),
};

/** go-cty writes a dynamic value as `[type JSON as msgpack bin, value encoded with that type]`. */
function prepareDynamic(value: unknown, path: WalkPath): unknown {
  const type = inferType(value, path);
  const typeJson = typeof type === 'string' ? PRIMITIVE_TYPE_JSON[type] : typeToJson(type);
  return [typeJson, prepareForEncoding(value, type, path)];
}

/** The simplest cty type of a JS value; null and unknown are "dynamic" (no type to infer). */
function inferType(value: unknown, path: WalkPath): CtyType {
  if (value === null || value === undefined || value === UNKNOWN) return 'dynamic';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
  }
  if (value instanceof ExactNumber) return 'number';
  if (Array.isArray(value)) {
    const elementTypes: CtyType[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(INDEX, i);
      elementTypes.push(inferType(value[i], path));
      path.length -= 2;
    }
    return ['tuple', elementTypes];
  }
  if (isPlainObject(value)) {
    const attributeTypes: Record<string, CtyType> = {};
    for (const key of Object.keys(value)) {
      path.push(ATTRIBUTE, key);
      setOwn(attributeTypes, key, inferType(value[key], path));
      path.length -= 2;
    }
    return ['object', attributeTypes];
  }
  return fail(path, `cannot infer a cty type for ${kindOf(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * The cty value in a DynamicValue.msgpack. Empty or absent bytes mean null. Unknowns (extension 0
 * and refined unknowns, extension 12) become UNKNOWN; integers that a JS number holds exactly
 * become numbers, other integers and decimal strings become ExactNumber. An object gets every
 * attribute of its type (missing ones as null); a key the type lacks is an error. A dynamic value
 * decodes to just its value (its type is dropped). Throws CtyCodecError, naming the path.
 */
export function decodeValue(bytes: Uint8Array | undefined | null, type: CtyType): CtyValue {
  if (bytes === undefined || bytes === null || bytes.length === 0) return null;
  let raw: unknown;
  try {
    raw = decoder.decode(bytes);
  } catch (error) {
    throw new CtyCodecError([], `invalid msgpack: ${error instanceof Error ? error.message : String(error)}`);
  }
  return convertDecoded(raw, type, []);
}

/** Checks a decoded JS value against the type and converts it in place to a CtyValue. */
function convertDecoded(raw: unknown, type: CtyType, path: WalkPath): CtyValue {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return typeof raw === 'string' ? raw : nullUnknownOr(raw, 'string', path);
      case 'bool':
        return typeof raw === 'boolean' ? raw : nullUnknownOr(raw, 'bool', path);
      case 'number':
        if (typeof raw === 'number') {
          return Number.isNaN(raw) ? fail(path, 'NaN is not a number Terraform can represent') : raw;
        }
        if (typeof raw === 'bigint') return numberFromBigInt(raw);
        if (typeof raw === 'string') {
          // Terraform sends numbers no int64 or float64 holds exactly as decimal text.
          return numberFromText(raw, path);
        }
        return nullUnknownOr(raw, 'number', path);
      case 'dynamic':
        return convertDynamic(raw, path);
      default:
        return invalidType(type);
    }
  }
  switch (type[0]) {
    case 'list':
    case 'set': {
      if (!Array.isArray(raw)) return nullUnknownOr(raw, type[0], path);
      const elementType = type[1];
      for (let i = 0; i < raw.length; i++) {
        path.push(INDEX, i);
        raw[i] = convertDecoded(raw[i], elementType, path);
        path.length -= 2;
      }
      return raw as CtyValue[];
    }
    case 'tuple': {
      if (!Array.isArray(raw)) return nullUnknownOr(raw, 'tuple', path);
      const elementTypes = type[1];
      if (raw.length !== elementTypes.length) {
        return fail(path, `expected a tuple of ${elementTypes.length} elements, got ${raw.length}`);
      }
      for (let i = 0; i < raw.length; i++) {
        path.push(INDEX, i);
        raw[i] = convertDecoded(raw[i], elementTypes[i], path);
        path.length -= 2;
      }
      return raw as CtyValue[];
    }
    case 'map': {
      if (!isPlainObject(raw)) return nullUnknownOr(raw, 'map', path);
      const elementType = type[1];
      for (const key of Object.keys(raw)) {
        path.push(KEY, key);
        raw[key] = convertDecoded(raw[key], elementType, path);
        path.length -= 2;
      }
      return raw as { [key: string]: CtyValue };
    }
    case 'object': {
      if (!isPlainObject(raw)) return nullUnknownOr(raw, 'object', path);
      const attributeTypes = type[1];
      let present = 0;
      for (const key of Object.keys(raw)) {
        if (!hasOwn.call(attributeTypes, key)) fail(path, `unsupported attribute "${key}"`);
        path.push(ATTRIBUTE, key);
        raw[key] = convertDecoded(raw[key], attributeTypes[key], path);
        path.length -= 2;
        present++;
      }
      // Terraform always sends every attribute; be lenient and make a missing one null.
      const names = sortedAttributeNames(attributeTypes);
      if (present < names.length) {
        for (const name of names) if (!hasOwn.call(raw, name)) setOwn(raw, name, null);
      }
      return raw as { [key: string]: CtyValue };
    }
    default:
      return invalidType(type);
  }
}

/** The outcome for a decoded value of the wrong JS kind: fine if null or unknown, else an error. */
function nullUnknownOr(raw: unknown, expected: string, path: WalkPath): CtyValue {
  if (raw === null || raw === UNKNOWN) return raw;
  if (raw instanceof MalformedExtension) return fail(path, raw.problem);
  if (raw instanceof ExtData) return fail(path, `unexpected msgpack extension type ${raw.type}`);
  return mismatch(path, expected, raw);
}

/** Parsed type JSON of dynamic values, keyed by its text: the same few types recur on every call. */
const dynamicTypeCache = new Map<string, CtyType>();
const DYNAMIC_TYPE_CACHE_LIMIT = 256;

function convertDynamic(raw: unknown, path: WalkPath): CtyValue {
  if (!Array.isArray(raw)) return nullUnknownOr(raw, 'dynamic value [type, value]', path);
  if (raw.length !== 2) return fail(path, `a dynamic value must be [type, value], got ${raw.length} elements`);
  const typeField: unknown = raw[0];
  let typeText: string;
  // go-cty writes the type JSON as bin (and reads it with DecodeBytes, which also accepts str).
  if (typeof typeField === 'string') typeText = typeField;
  else if (typeField instanceof Uint8Array) {
    typeText = Buffer.from(typeField.buffer, typeField.byteOffset, typeField.byteLength).toString('utf8');
  } else return mismatch(path, 'type JSON (bin or str) as the first element of a dynamic value', typeField);
  let type = dynamicTypeCache.get(typeText);
  if (type === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeText);
    } catch {
      return fail(path, `invalid type JSON in dynamic value: ${typeText}`);
    }
    type = parseTypeJson(parsed, path);
    if (dynamicTypeCache.size >= DYNAMIC_TYPE_CACHE_LIMIT) dynamicTypeCache.clear();
    dynamicTypeCache.set(typeText, type);
  }
  return convertDecoded(raw[1], type, path);
}

// ---------------------------------------------------------------------------------------------
// Types: schema blocks and JSON type notation

/**
 * The object type a schema block implies: each attribute by its type, each nested block by its
 * nesting (single and group as an object, list/set/map as a list/set/map of objects). Builds a new
 * type on each call: compute it once per schema and keep it (the encoder caches per type object).
 */
export function impliedType(block: SchemaBlock): CtyType {
  const attributeTypes: Record<string, CtyType> = {};
  const define = (name: string, type: CtyType): void => {
    if (hasOwn.call(attributeTypes, name)) throw new Error(`schema defines "${name}" twice`);
    setOwn(attributeTypes, name, type);
  };
  for (const attribute of block.attributes) define(attribute.name, attribute.type);
  for (const nested of block.blockTypes) {
    const objectType = impliedType(nested.block);
    switch (nested.nesting) {
      case 'single':
      case 'group':
        define(nested.typeName, objectType);
        break;
      case 'list':
        define(nested.typeName, ['list', objectType]);
        break;
      case 'set':
        define(nested.typeName, ['set', objectType]);
        break;
      case 'map':
        define(nested.typeName, ['map', objectType]);
        break;
      default:
        throw new Error(`block "${nested.typeName}" has unknown nesting "${String(nested.nesting)}"`);
    }
  }
  return ['object', attributeTypes];
}

/** The bytes of the schema Attribute.type field: cty's JSON type notation, object attributes sorted like go-cty. */
export function typeToJson(type: CtyType): Buffer {
  return Buffer.from(typeJsonText(type), 'utf8');
}

function typeJsonText(type: CtyType): string {
  if (typeof type === 'string') {
    if (type === 'string' || type === 'number' || type === 'bool' || type === 'dynamic') return `"${type}"`;
    return invalidType(type);
  }
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `["${type[0]}",${typeJsonText(type[1])}]`;
    case 'tuple':
      return `["tuple",[${type[1].map(typeJsonText).join(',')}]]`;
    case 'object': {
      const attributeTypes = type[1];
      const members = sortedAttributeNames(attributeTypes).map(
        (name) => `${JSON.stringify(name)}:${typeJsonText(attributeTypes[name])}`,
      );
      return `["object",{${members.join(',')}}]`;
    }
    default:
      return invalidType(type);
  }
}

/**
 * A CtyType from cty's JSON type notation (already JSON-parsed). An object type's optional third
 * element (the list of optional attributes) is accepted and ignored: CtyType has no such notion.
 */
export function typeFromJson(json: unknown): CtyType {
  return parseTypeJson(json, []);
}

function parseTypeJson(json: unknown, path: WalkPath): CtyType {
  if (json === 'string' || json === 'number' || json === 'bool' || json === 'dynamic') return json;
  if (Array.isArray(json) && json.length >= 2) {
    const [kind, argument] = json as unknown[];
    switch (kind) {
      case 'list':
      case 'set':
      case 'map':
        if (json.length === 2) return [kind, parseTypeJson(argument, path)];
        break;
      case 'tuple':
        if (json.length === 2 && Array.isArray(argument)) {
          return ['tuple', argument.map((element) => parseTypeJson(element, path))];
        }
        break;
      case 'object':
        if ((json.length === 2 || (json.length === 3 && Array.isArray(json[2]))) && isPlainObject(argument)) {
          const attributeTypes: Record<string, CtyType> = {};
          for (const name of Object.keys(argument)) setOwn(attributeTypes, name, parseTypeJson(argument[name], path));
          return ['object', attributeTypes];
        }
        break;
    }
  }
  return fail(path, `invalid type JSON ${safeJson(json)}`);
}

// ---------------------------------------------------------------------------------------------
// Stored JSON state

/**
 * Terraform's stored JSON state (UpgradeResourceState raw_state.json, already parsed) as a
 * CtyValue of `type`, following go-cty's JSON rules except that object keys the type lacks are
 * dropped rather than rejected (the schema may have lost an attribute). Missing attributes become
 * null; numbers stay JS numbers (a number beyond float64 precision was already rounded by
 * JSON.parse; a decimal string becomes an ExactNumber); strings "true"/"false" convert to bool,
 * and numbers and bools to strings, as cty's conversions do. A "dynamic" value is stored by cty as
 * `{"value": …, "type": …}`: that shape is unwrapped; anything else is kept as it is.
 * Throws CtyCodecError, naming the path, on a value that cannot fit the type. Builds new
 * containers: the input is left untouched.
 */
export function valueFromJson(json: unknown, type: CtyType): CtyValue {
  return convertJson(json, type, []);
}

function convertJson(json: unknown, type: CtyType, path: WalkPath): CtyValue {
  if (json === null || json === undefined) return null;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        if (typeof json === 'string') return json;
        if (typeof json === 'number' || typeof json === 'boolean' || typeof json === 'bigint') return String(json);
        return mismatch(path, 'string', json);
      case 'number':
        if (typeof json === 'number') {
          return Number.isFinite(json) ? json : fail(path, `invalid number ${json}`);
        }
        if (typeof json === 'bigint') return numberFromBigInt(json);
        if (typeof json === 'string') {
          return numberFromText(json, path);
        }
        return mismatch(path, 'number', json);
      case 'bool':
        if (typeof json === 'boolean') return json;
        if (json === 'true') return true;
        if (json === 'false') return false;
        return mismatch(path, 'bool', json);
      case 'dynamic':
        return convertDynamicJson(json, path);
      default:
        return invalidType(type);
    }
  }
  switch (type[0]) {
    case 'list':
    case 'set': {
      if (!Array.isArray(json)) return mismatch(path, type[0], json);
      const elementType = type[1];
      const result: CtyValue[] = new Array(json.length);
      for (let i = 0; i < json.length; i++) {
        path.push(INDEX, i);
        result[i] = convertJson(json[i], elementType, path);
        path.length -= 2;
      }
      return result;
    }
    case 'tuple': {
      if (!Array.isArray(json)) return mismatch(path, 'tuple', json);
      const elementTypes = type[1];
      if (json.length !== elementTypes.length) {
        return fail(path, `expected a tuple of ${elementTypes.length} elements, got ${json.length}`);
      }
      const result: CtyValue[] = new Array(json.length);
      for (let i = 0; i < json.length; i++) {
        path.push(INDEX, i);
        result[i] = convertJson(json[i], elementTypes[i], path);
        path.length -= 2;
      }
      return result;
    }
    case 'map': {
      if (!isPlainObject(json)) return mismatch(path, 'map', json);
      const elementType = type[1];
      const result: { [key: string]: CtyValue } = {};
      for (const key of Object.keys(json)) {
        path.push(KEY, key);
        setOwn(result, key, convertJson(json[key], elementType, path));
        path.length -= 2;
      }
      return result;
    }
    case 'object': {
      if (!isPlainObject(json)) return mismatch(path, 'object', json);
      const attributeTypes = type[1];
      const result: { [key: string]: CtyValue } = {};
      for (const name of sortedAttributeNames(attributeTypes)) {
        path.push(ATTRIBUTE, name);
        setOwn(result, name, hasOwn.call(json, name) ? convertJson(json[name], attributeTypes[name], path) : null);
        path.length -= 2;
      }
      return result;
    }
    default:
      return invalidType(type);
  }
}

/** cty's JSON for a dynamic value is `{"value": …, "type": …}`; unwrap that, keep anything else as is. */
function convertDynamicJson(json: unknown, path: WalkPath): CtyValue {
  if (isPlainObject(json) && hasOwn.call(json, 'type') && hasOwn.call(json, 'value') && Object.keys(json).length === 2) {
    return convertJson(json.value, parseTypeJson(json.type, path), path);
  }
  return json as CtyValue;
}

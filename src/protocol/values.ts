// Terraform (cty) types and values as the protocol layer sees them.
//
// Types use cty's own JSON notation, which is also what the schema's `type` bytes carry:
//   "string" | "number" | "bool" | "dynamic" | ["list", T] | ["set", T] | ["map", T]
//   | ["object", {name: T}] | ["tuple", [T...]]
// Values are plain JS: string, boolean, number or ExactNumber, arrays (list, set, tuple),
// plain objects (map, object), null, and UNKNOWN for values not known until apply.

export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list', CtyType]
  | readonly ['set', CtyType]
  | readonly ['map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }]
  | readonly ['tuple', readonly CtyType[]];

/** A value Terraform does not know yet (msgpack extension 0, or a refined unknown, extension 12). */
export class Unknown {
  static readonly instance = new Unknown();
  private constructor() {}
  toString(): string {
    return '(known after apply)';
  }
}
export const UNKNOWN = Unknown.instance;

/**
 * A number Terraform sent as a decimal string because no float64 holds it exactly
 * (`0.1`, `12345678901234567891`). Kept as text so it goes back unchanged: converting it to a
 * JS number makes Terraform fail with "planned value does not match config value".
 */
export class ExactNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

export type CtyValue =
  | null
  | Unknown
  | string
  | boolean
  | number
  | ExactNumber
  | CtyValue[]
  | { [key: string]: CtyValue };

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** Structural equality of two cty values; lists and sets compare in order (Terraform keeps set order stable). */
export function ctyEqual(a: CtyValue, b: CtyValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === UNKNOWN || b === UNKNOWN) return false;
  if ((typeof a === 'number' || a instanceof ExactNumber) && (typeof b === 'number' || b instanceof ExactNumber)) {
    return numberText(a) === numberText(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => ctyEqual(item, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && !(a instanceof ExactNumber) && !(b instanceof ExactNumber)) {
    const ra = a as Record<string, CtyValue>;
    const rb = b as Record<string, CtyValue>;
    const ka = Object.keys(ra);
    if (ka.length !== Object.keys(rb).length) return false;
    return ka.every((k) => k in rb && ctyEqual(ra[k], rb[k]));
  }
  return false;
}

function numberText(n: number | ExactNumber): string {
  return n instanceof ExactNumber ? canonicalDecimal(n.text) : canonicalDecimal(String(n));
}

/** Normalises "1.50" and "1.5", "-0" and "0" so equal numbers compare equal as text. */
function canonicalDecimal(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  let [int, frac = ''] = text.replace(/^-/, '').split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const sign = text.startsWith('-') && (int !== '0' || frac !== '') ? '-' : '';
  return sign + int + (frac ? '.' + frac : '');
}

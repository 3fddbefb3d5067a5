// Reusable attribute validators and multi-attribute rules for resource definitions.
import type { CtyValue } from '../protocol/values';
import type { ConfigRule, Validator } from './definitions';

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

/** The value must be one of the listed strings (compared exactly). */
export function oneOf(allowed: readonly string[]): Validator {
  return {
    description: `one of ${quoted(allowed)}`,
    allowedValues: allowed,
    check: (value) => (typeof value === 'string' && allowed.includes(value) ? undefined : `got ${JSON.stringify(value)}`),
  };
}

/** An email address. Deliberately loose (vendors want little more than an "@"): catches typos, not exotic addresses. */
export const emailAddress: Validator = {
  description: 'an email address such as "jane@example.com"',
  check: (value) => (typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : `got ${JSON.stringify(value)}`),
};

/** The string must match the pattern; `what` names the expected form, e.g. "an email address". */
export function matches(pattern: RegExp, what: string): Validator {
  return {
    description: what,
    check: (value) => (typeof value === 'string' && pattern.test(value) ? undefined : `got ${JSON.stringify(value)}`),
  };
}

/** Exactly one of the attributes is set (unknown values count as set). */
export function exactlyOneOf(names: readonly string[]): ConfigRule {
  return (config: Record<string, CtyValue>) => {
    const set = names.filter((name) => config[name] != null);
    if (set.length === 1) return [];
    const which = set.length === 0 ? 'none is set' : `${quoted(set)} are all set`;
    return [{ attribute: set[1] ?? names[0], message: `Exactly one of ${quoted(names)} must be set; ${which}.` }];
  };
}

/** At most one of the attributes is set (unknown values count as set). */
export function atMostOneOf(names: readonly string[]): ConfigRule {
  return (config: Record<string, CtyValue>) => {
    const set = names.filter((name) => config[name] != null);
    return set.length <= 1 ? [] : [{ attribute: set[1], message: `At most one of ${quoted(names)} may be set; ${quoted(set)} are all set.` }];
  };
}

/** The value must not be one of the listed strings (compared exactly); `what` says what they are and what to do instead. */
export function notOneOf(forbidden: readonly string[], what: string): Validator {
  return {
    description: `none of ${quoted(forbidden)} (${what})`,
    check: (value) => (typeof value === 'string' && forbidden.includes(value) ? `got ${JSON.stringify(value)}` : undefined),
  };
}

/** A string of at least `length` characters; never echoes the value (safe for passwords). */
export function minLength(length: number): Validator {
  return {
    description: length === 1 ? 'a non-empty string' : `at least ${length} characters long`,
    check: (value) => (typeof value === 'string' && value.length >= length ? undefined : typeof value === 'string' ? `got ${value.length} characters` : 'got a value that is not a string'),
  };
}

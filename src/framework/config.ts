// Helpers vendors use to read their resolved provider configuration block.
import type { CtyValue } from '../protocol/values';
import type { Attributes, AttributeSpec } from './definitions';
import { VendorConfigError } from './definitions';

/**
 * A vendor block's settings as the provider uses them: each value from the block, else from its
 * environment variable, else its default. A block that sets one of `alternatives` (a token, say)
 * takes no environment value of another (a password), so aliases may log in differently.
 */
export function resolvedSettings(attributes: Attributes, block: Record<string, CtyValue>, env: NodeJS.ProcessEnv, alternatives: string[][] = []): Record<string, CtyValue> {
  const chosen = alternatives.find((names) => names.some((name) => block[name] != null));
  const excluded = new Set(chosen ? alternatives.filter((names) => names !== chosen).flat() : []);
  const settings: Record<string, CtyValue> = {};
  for (const [name, spec] of Object.entries(attributes)) {
    const value = block[name];
    const fromEnv = spec.env && !excluded.has(name) ? env[spec.env] : undefined;
    settings[name] = value != null ? value : fromEnv !== undefined && fromEnv !== '' ? fromEnv : (spec.default ?? null);
  }
  return settings;
}

/** The value of a configuration attribute that must be set (in the block or its environment variable). */
export function requiredSetting(
  vendor: string,
  config: Record<string, CtyValue>,
  name: string,
  spec: AttributeSpec,
): string {
  const value = config[name];
  if (typeof value === 'string' && value !== '') return value;
  const fallback = spec.env ? ` or the environment variable ${spec.env}` : '';
  throw new VendorConfigError(name, `${vendor}.${name} is not set: set it in the provider's "${vendor}" block${fallback}`);
}

/** A base URL without a trailing slash; rejects anything that is not http(s). */
export function baseUrlSetting(vendor: string, config: Record<string, CtyValue>, spec: AttributeSpec): string {
  const raw = requiredSetting(vendor, config, 'url', spec);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new VendorConfigError('url', `${vendor}.url is not a valid URL: expected http(s)://host[:port][/path]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VendorConfigError('url', `${vendor}.url must start with http:// or https://`);
  }
  return raw.replace(/\/+$/, '');
}

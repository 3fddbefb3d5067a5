// The vendors as the operations commands reach them: through the provider's environment
// variables (REDASH_*, GRAFANA_*, SISENSE_*, PERISCOPE_*) and each vendor's access adapter.
import type { AccessAdapter } from '../access/model';
import { resolvedSettings } from '../framework/config';
import type { ResourceDefinition } from '../framework/definitions';
import { silentLogger } from '../framework/log';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../provider-identity';
import { findVendor, vendors } from '../vendors';
import type { Vendor } from '../vendors/vendor';
import { OpsError, type OpsContext } from './context';

export interface ConnectedVendor {
  vendor: Vendor;
  client: unknown;
  access: AccessAdapter;
}

/** Vendors with an access adapter, by name. */
export function accessVendor(name: string): Vendor {
  const vendor = findVendor(name);
  if (!vendor?.access) throw new OpsError(`unknown vendor "${name}"; known: ${vendors.filter((candidate) => candidate.access).map((candidate) => candidate.name).join(', ')}`);
  return vendor;
}

/** The vendor whose resource type this is (`biaccess_<vendor>_…`), if bi-access serves it. */
export function vendorOfType(typeName: string): Vendor | undefined {
  return vendors.find((vendor) => typeName.startsWith(`${PROVIDER_TYPE}_${vendor.name}_`));
}

/** The definition of one of the provider's resource types. */
export function resourceDefinition(typeName: string): ResourceDefinition | undefined {
  return vendorOfType(typeName)?.resources.find((resource) => resource.typeName === typeName);
}

/** Whether the environment points at this vendor (its URL variable is set). */
export function isConfigured(vendor: Vendor, env: NodeJS.ProcessEnv): boolean {
  const urlVariable = vendor.config.url?.env;
  return urlVariable !== undefined && (env[urlVariable] ?? '') !== '';
}

/** Connects to a vendor with the provider block's settings taken from the environment. */
export function connect(vendor: Vendor, context: OpsContext): ConnectedVendor {
  if (!vendor.access) throw new OpsError(`${vendor.name} has no access adapter`);
  // As the provider resolves a block left empty: every setting from its environment variable.
  const settings = resolvedSettings(vendor.config, {}, context.env, vendor.alternativeSettings);
  let client: unknown;
  try {
    client = vendor.connect(settings, { log: silentLogger, signal: new AbortController().signal, userAgent: `bi-access/${PROVIDER_VERSION}` });
  } catch (error) {
    throw new OpsError(`${vendor.name}: ${(error as Error).message}`);
  }
  return { vendor, client, access: vendor.access(client) };
}

/** Connects to the named vendors, or to every vendor the environment points at. */
export function connectAll(names: string[] | undefined, context: OpsContext): ConnectedVendor[] {
  const chosen = names ? names.map(accessVendor) : vendors.filter((vendor) => vendor.access && isConfigured(vendor, context.env));
  if (chosen.length === 0) {
    const variables = vendors.flatMap((vendor) => (vendor.access && vendor.config.url?.env ? [vendor.config.url.env] : []));
    throw new OpsError(`no vendor is configured: set the provider's environment variables (${variables.join(', ')} and their credentials)`);
  }
  return chosen.map((vendor) => connect(vendor, context));
}

// Entry point Terraform starts (through bin/terraform-provider-biaccess or the installed wrapper).
import './cpu-profile'; // first: it may start a CPU profile of everything that follows
import type { VendorDefinition } from '../framework/definitions';
import { buildProvider } from '../framework/provider';
import { PROVIDER_TYPE, PROVIDER_VERSION } from '../provider-identity';
import { HandshakeError, serve } from '../protocol/server';
import { vendors } from '../vendors';

/** Serves the provider with the given vendors (tests add a test vendor). */
export function runProvider(served: VendorDefinition[]): void {
  const provider = buildProvider({ typeName: PROVIDER_TYPE, version: PROVIDER_VERSION, vendors: served });
  serve(provider).catch((error: unknown) => {
    // Started by hand (or by something that is not Terraform): one line, non-zero exit.
    process.stderr.write(`${error instanceof HandshakeError ? error.message : `terraform-provider-biaccess: ${String(error)}`}\n`);
    process.exit(1);
  });
}

if (require.main === module) runProvider(vendors);

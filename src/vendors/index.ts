// The vendors bi-access serves. Adding a vendor: a folder under src/vendors and a line here; its
// resources, access adapter, emulator and part of the demo come with its definition.
import { grafana } from './grafana/vendor';
import { periscope } from './periscope/vendor';
import { redash } from './redash/vendor';
import { sisense } from './sisense/vendor';
import type { Vendor } from './vendor';

export const vendors: Vendor[] = [redash, grafana, sisense, periscope];

/** The vendor of that name, if bi-access serves one. */
export function findVendor(name: string): Vendor | undefined {
  return vendors.find((vendor) => vendor.name === name);
}

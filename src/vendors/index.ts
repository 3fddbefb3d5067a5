// The vendors the biaccess provider serves. Adding a vendor: a folder under src/vendors and a line here.
import type { VendorDefinition } from '../framework/definitions';
import { grafana } from './grafana/vendor';
import { periscope } from './periscope/vendor';
import { redash } from './redash/vendor';
import { sisense } from './sisense/vendor';

export const vendors: VendorDefinition[] = [redash, grafana, sisense, periscope];

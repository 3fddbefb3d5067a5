// A vendor as the project knows it: its provider part (configuration block, client, resources
// and data sources), its access adapter for the cross-vendor features, and its emulator.
import type { AccessAdapter } from '../access/model';
import type { EmulatorModule } from '../emulator/runnable';
import type { VendorDefinition } from '../framework/definitions';

export interface Vendor<Client = any> extends VendorDefinition<Client> {
  /** The access adapter on a connected client (see VendorDefinition.connect). */
  access?(client: Client): AccessAdapter;
  /** The vendor's API emulator, loaded on demand (tests, the demo, `bi-access emulate`). */
  emulator?(): Promise<EmulatorModule>;
}

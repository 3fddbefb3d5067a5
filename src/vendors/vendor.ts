// A vendor as the project knows it: its provider part (configuration block, client, resources
// and data sources), its access adapter for the cross-vendor features, and its emulator.
import type { AccessAdapter, Principal } from '../access/model';
import type { EmulatorModule } from '../emulator/runnable';
import type { VendorDefinition } from '../framework/definitions';

export interface Vendor<Client = any> extends VendorDefinition<Client> {
  /** The access adapter on a connected client (see VendorDefinition.connect). */
  access?(client: Client): AccessAdapter;
  /**
   * The resource types declaring the vendor's users and groups, for the tools that find managed
   * groups in a state and import existing principals. The import ID is the principal's id unless
   * `importId` says otherwise.
   */
  principalResources?: Partial<Record<'user' | 'group', PrincipalResource<Client>>>;
  /** The vendor's API emulator, loaded on demand (tests, the demo, `bi-access emulate`). */
  emulator?(): Promise<EmulatorModule>;
}

export interface PrincipalResource<Client> {
  typeName: string;
  importId?(principal: Principal, client: Client): Promise<string>;
}

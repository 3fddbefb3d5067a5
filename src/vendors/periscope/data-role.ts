// data "biaccess_periscope_role": a Periscope role looked up by name, the default roles included.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import { DEFAULT_ROLE_NAMES, type PeriscopeApi } from './client';

export interface RoleLookupModel {
  name: string;
  id: string;
  description: string;
}

export const roleLookup: DataSourceDefinition<RoleLookupModel, PeriscopeApi> = {
  typeName: 'biaccess_periscope_role',
  description: `Looks up a Periscope role by name (case is ignored), the default roles (${DEFAULT_ROLE_NAMES.join(', ')}) included.`,
  attributes: {
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Role name.' },
    id: { type: 'string', computed: true, description: 'Periscope role id.' },
    description: { type: 'string', computed: true, description: 'Description.' },
  },
  async read({ client }, config) {
    const found = await client.findRoleByName(config.name);
    if (!found) throw new Error(`Periscope has no role named "${config.name}".`);
    return { name: config.name, id: found.id, description: found.description };
  },
};

// data "biaccess_periscope_user": a Periscope user looked up by email.
import { emailAddress } from '../../framework/validators';
import type { DataSourceDefinition } from '../../framework/definitions';
import type { PeriscopeApi } from './client';

export interface UserLookupModel {
  email: string;
  id: string;
  first_name: string;
  last_name: string;
  role_ids: string[];
}

export const userLookup: DataSourceDefinition<UserLookupModel, PeriscopeApi> = {
  typeName: 'biaccess_periscope_user',
  description: 'Looks up a Periscope user by email (case is ignored).',
  attributes: {
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address of the user.' },
    id: { type: 'string', computed: true, description: 'Periscope user id.' },
    first_name: { type: 'string', computed: true, description: 'First name.' },
    last_name: { type: 'string', computed: true, description: 'Last name.' },
    role_ids: { type: ['list', 'string'], computed: true, description: 'Ids of the roles the user is in, sorted (Everyone included when the site lists it).' },
  },
  async read({ client }, config) {
    const found = await client.findUserByEmail(config.email);
    if (!found) throw new Error(`Periscope has no user with email "${config.email}".`);
    return { email: config.email, id: found.id, first_name: found.first_name, last_name: found.last_name, role_ids: [...new Set(found.roles)].sort() };
  },
};

// data "biaccess_redash_user": a Redash user looked up by email.
import { emailAddress } from '../../framework/validators';
import type { DataSourceDefinition } from '../../framework/definitions';
import type { RedashApi } from './client';

export interface UserLookupModel {
  email: string;
  id: string;
  name: string;
  disabled: boolean;
  groups: string[];
}

export const userLookup: DataSourceDefinition<UserLookupModel, RedashApi> = {
  typeName: 'biaccess_redash_user',
  description: 'Looks up a Redash user by email (disabled users included; case is ignored).',
  attributes: {
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address of the user.' },
    id: { type: 'string', computed: true, description: 'Redash user id.' },
    name: { type: 'string', computed: true, description: 'Display name.' },
    disabled: { type: 'bool', computed: true, description: 'Whether the user is disabled.' },
    groups: { type: ['list', 'string'], computed: true, description: 'Ids of the groups the user belongs to, in ascending order.' },
  },
  async read({ client }, config) {
    const [found] = await client.findUsersByEmail(config.email);
    if (!found) throw new Error(`Redash has no user with email "${config.email}" (disabled users included).`);
    return {
      email: config.email,
      id: String(found.id),
      name: found.name,
      disabled: found.is_disabled === true,
      // The list already gives each group once (the stored array may hold duplicates).
      groups: [...new Set(found.groups.map((group) => group.id))].sort((a, b) => a - b).map(String),
    };
  },
};

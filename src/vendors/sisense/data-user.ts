// data biaccess_sisense_user: a user by email (exact, ignoring case).
import { emailAddress } from '../../framework/validators';
import type { DataSourceDefinition } from '../../framework/definitions';
import type { CtyValue } from '../../protocol/values';
import type { SisenseApi } from './client';

export const userLookup: DataSourceDefinition<Record<string, CtyValue>, SisenseApi> = {
  typeName: 'biaccess_sisense_user',
  description: 'Looks a Sisense user up by email (exact, ignoring case), e.g. one provisioned by SSO.',
  attributes: {
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address.' },
    id: { type: 'string', computed: true, description: 'User id.' },
    user_name: { type: 'string', computed: true, description: 'Login name.' },
    first_name: { type: 'string', computed: true, description: 'First name (null when unset).' },
    last_name: { type: 'string', computed: true, description: 'Last name (null when unset).' },
    role: { type: 'string', computed: true, description: 'API name of the user\'s role, e.g. `consumer`.' },
    active: { type: 'bool', computed: true, description: 'Whether the user can log in.' },
    group_ids: { type: ['list', 'string'], computed: true, description: 'Ids of the groups the user is in (each once).' },
  },
  async read({ client }, config) {
    const email = config.email as string;
    const found = await client.findUserByEmail(email);
    if (!found) throw new Error(`Sisense has no user with email "${email}".`);
    const role = await client.roleById(found.roleId);
    return {
      email,
      id: found._id,
      user_name: found.userName,
      first_name: found.firstName || null,
      last_name: found.lastName || null,
      role: role?.name ?? found.roleId,
      active: found.active === true,
      group_ids: [...new Set(found.groups ?? [])],
    };
  },
};

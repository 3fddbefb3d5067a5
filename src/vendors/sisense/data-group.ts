// data biaccess_sisense_group: a group by name, the built-ins included.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { SisenseApi } from './client';

export const groupLookup: DataSourceDefinition<Record<string, CtyValue>, SisenseApi> = {
  typeName: 'biaccess_sisense_group',
  description: 'Looks a Sisense group up by exact name, the built-in `Admins`, `Everyone` and `All users in system` included.',
  attributes: {
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Group name (exact).' },
    id: { type: 'string', computed: true, description: 'Group id.' },
  },
  async read({ client }, config) {
    const name = config.name as string;
    const found = await client.findGroupByName(name, { fresh: true });
    if (!found) throw new Error(`Sisense has no group named "${name}".`);
    return { name, id: found._id };
  },
};

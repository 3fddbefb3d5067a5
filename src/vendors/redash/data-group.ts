// data "biaccess_redash_group": a Redash group looked up by name, built-in groups included.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { RedashApi } from './client';

export interface GroupLookupModel {
  name: string;
  id: string;
}

export const groupLookup: DataSourceDefinition<GroupLookupModel, RedashApi> = {
  typeName: 'biaccess_redash_group',
  description: 'Looks up a Redash group by name, the built-in `admin` and `default` included. Redash allows one name for several groups: such a name is an error that lists their ids.',
  attributes: {
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Group name (exact, case-sensitive).' },
    id: { type: 'string', computed: true, description: 'Redash group id.' },
  },
  async read({ client }, config) {
    let found = (await client.listGroups()).filter((group) => group.name === config.name);
    if (found.length === 0) found = (await client.listGroups({ fresh: true })).filter((group) => group.name === config.name);
    if (found.length === 0) throw new Error(`Redash has no group named "${config.name}".`);
    if (found.length > 1) {
      const ids = found.map((group) => group.id).sort((a, b) => a - b).join(', ');
      throw new Error(`Redash has ${found.length} groups named "${config.name}" (ids ${ids}); rename all but one, or use the id directly.`);
    }
    return { name: config.name, id: String(found[0].id) };
  },
};

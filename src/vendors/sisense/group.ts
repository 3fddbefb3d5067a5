// biaccess_sisense_group: a Sisense group (the built-ins are not managed).
import { AttributeError, ImportIdError, known, type ResourceDefinition } from '../../framework/definitions';
import { minLength, notOneOf } from '../../framework/validators';
import { isBuiltInGroup } from './access';
import { BUILT_IN_GROUP_NAMES, SISENSE_ID, type SisenseApi, type SisenseGroup } from './client';

export interface GroupModel {
  id: string;
  name: string;
}

const BUILT_IN_HINT = 'Refer to a built-in group with the data source instead: data "biaccess_sisense_group" "everyone" { name = "Everyone" }.';

export const group: ResourceDefinition<GroupModel, SisenseApi> = {
  typeName: 'biaccess_sisense_group',
  description:
    'A Sisense group. Renaming changes it in place. The built-in groups `Admins`, `Everyone` and `All users in system` exist in every ' +
    'Sisense and are not managed by this resource: use the `biaccess_sisense_group` data source for them.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Sisense group id (`_id`).' },
    name: {
      type: 'string',
      required: true,
      validators: [minLength(1), notOneOf(BUILT_IN_GROUP_NAMES, `the built-in Sisense groups, which this resource does not manage. ${BUILT_IN_HINT}`)],
      description: 'Group name (unique in Sisense). Changes in place.',
    },
  },
  import: {
    format: 'id | name',
    async parse(id, { client }) {
      const value = id.trim();
      const found = SISENSE_ID.pattern.test(value) ? await client.getGroup(value) : value !== '' ? await client.findGroupByName(value, { fresh: true }) : undefined;
      if (!found) {
        if (value === '') throw new ImportIdError('Expected a Sisense group id (24 hex digits) or a group name, got an empty ID.');
        throw new Error(`Sisense has no group with ${SISENSE_ID.pattern.test(value) ? 'id' : 'name'} "${value}".`);
      }
      if (isBuiltInGroup(found.name)) throw builtInError(found);
      return { id: found._id };
    },
  },

  async plan({ client, importCommand }, { prior, planned }) {
    const name = known(planned?.name);
    if (name !== undefined && name !== prior?.name) await assertNameFree(client, name, importCommand, prior?.id);
  },

  async create({ client, importCommand }, planned) {
    return client.http.withLock(`sisense:group-name:${planned.name}`, async () => {
      await assertNameFree(client, planned.name, importCommand);
      const created = await client.createGroup(planned.name);
      return { id: created._id, name: created.name };
    });
  },

  async read({ client }, current) {
    const found = await client.getGroup(current.id);
    if (!found) return null;
    if (isBuiltInGroup(found.name)) throw builtInError(found);
    return { id: found._id, name: found.name };
  },

  async update({ client, importCommand }, prior, planned) {
    return client.http.withLock(`sisense:group-name:${planned.name}`, async () => {
      await assertNameFree(client, planned.name, importCommand, prior.id);
      if (!(await client.renameGroup(prior.id, planned.name))) {
        throw new Error(`Sisense group ${prior.id} no longer exists (it was deleted outside Terraform); refresh and apply again to create it.`);
      }
      return { id: prior.id, name: planned.name };
    });
  },

  async delete({ client }, current) {
    await client.deleteGroup(current.id);
  },
};

async function assertNameFree(client: SisenseApi, name: string, importCommand: (id: string) => string, exceptId?: string): Promise<void> {
  const taken = await client.findGroupByName(name, { fresh: true });
  if (!taken || taken._id === exceptId) return;
  throw new AttributeError('name', `Sisense already has a group named "${name}" (id ${taken._id}). To manage it, import it: ${importCommand(taken._id)}; or choose another name.`);
}

function builtInError(found: SisenseGroup): AttributeError {
  return new AttributeError('id', `Group ${found._id} is Sisense's built-in "${found.name}" group, which biaccess_sisense_group does not manage. ${BUILT_IN_HINT}`);
}

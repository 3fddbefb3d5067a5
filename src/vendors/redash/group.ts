// biaccess_redash_group: a regular Redash group (the built-in `admin` and `default` are not managed).
import { AttributeError, known, type ResourceDefinition } from '../../framework/definitions';
import { minLength, notOneOf } from '../../framework/validators';
import { BUILT_IN_GROUP_NAMES, importedId, parseId, type RedashApi, type RedashGroup } from './client';

export interface GroupModel {
  id: string;
  name: string;
}

const BUILT_IN_HINT = 'Refer to a built-in group with the data source instead: data "biaccess_redash_group" "default" { name = "default" }.';

export const group: ResourceDefinition<GroupModel, RedashApi> = {
  typeName: 'biaccess_redash_group',
  description:
    'A Redash group. Renaming changes it in place. The built-in groups `admin` and `default` exist in every Redash and cannot be ' +
    'created, renamed or deleted: use the `biaccess_redash_group` data source for them. Redash allows two groups with one name; ' +
    'this resource does not (creating or renaming to a taken name fails and says which group has it), so a name always finds one group.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Redash group id.' },
    name: {
      type: 'string',
      required: true,
      validators: [minLength(1), notOneOf(BUILT_IN_GROUP_NAMES, 'the built-in Redash groups, which this resource does not manage; refer to them with data "biaccess_redash_group" { name = "default" }')],
      description: 'Group name. Changes in place.',
    },
  },
  import: {
    format: 'id',
    async parse(id, { client }) {
      const groupId = importedId(id, 'group');
      const found = await client.findGroup(groupId);
      if (found?.type === 'builtin') throw builtInError(found);
      return { id: String(groupId) };
    },
  },

  async plan({ client, importCommand }, { prior, planned }) {
    // A name another group has fails now, before anything else of the plan is applied.
    const name = known(planned?.name);
    if (name !== undefined && name !== prior?.name) await assertNameFree(client, name, importCommand, prior ? parseId(prior.id, 'id') : undefined, { shared: true });
  },

  async create({ client, importCommand }, planned) {
    // Serialized per name with the check, so two creates of one name in a run cannot both pass it.
    return client.withGroupNameLock(planned.name, async () => {
      await assertNameFree(client, planned.name, importCommand);
      const created = await client.createGroup(planned.name);
      return { id: String(created.id), name: created.name };
    });
  },

  async read({ client }, current) {
    // From the shared list: GET /api/groups/<id> answers 500, not 404, for an unknown id.
    const found = await client.findGroup(parseId(current.id, 'id'));
    if (!found) return null;
    if (found.type === 'builtin') throw builtInError(found);
    return { id: String(found.id), name: found.name };
  },

  async update({ client, importCommand }, prior, planned) {
    return client.withGroupNameLock(planned.name, async () => {
      const id = parseId(prior.id, 'id');
      await assertNameFree(client, planned.name, importCommand, id);
      const renamed = await client.renameGroup(id, planned.name);
      return { id: String(renamed.id), name: renamed.name };
    });
  },

  async delete({ client }, current) {
    await client.deleteGroup(parseId(current.id, 'id'));
  },
};

async function assertNameFree(client: RedashApi, name: string, importCommand: (id: string) => string, exceptId?: number, options: { shared?: boolean } = {}): Promise<void> {
  const taken = (await client.listGroups({ fresh: !options.shared })).filter((candidate) => candidate.name === name && candidate.id !== exceptId);
  if (taken.length === 0) return;
  const ids = taken.map((candidate) => candidate.id).join(', ');
  throw new AttributeError(
    'name',
    `Redash already has a group named "${name}" (id ${ids}). To manage it, import it: ${importCommand(String(taken[0].id))}; or choose another name.`,
  );
}

function builtInError(found: RedashGroup): AttributeError {
  return new AttributeError('id', `Group ${found.id} is Redash's built-in "${found.name}" group, which biaccess_redash_group does not manage. ${BUILT_IN_HINT}`);
}

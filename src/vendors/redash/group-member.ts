// biaccess_redash_group_member: a user in a group. Redash stores membership on the user (its
// `groups` array), so every change is a read-modify-write of that user, serialized per user.
import { AttributeError, type ResourceDefinition } from '../../framework/definitions';
import { importedIdPair, parseId, redashIdValidator, type RedashApi } from './client';

export interface GroupMemberModel {
  id: string;
  group_id: string;
  user_id: string;
}

const FORMAT = 'group_id/user_id';

export const groupMember: ResourceDefinition<GroupMemberModel, RedashApi> = {
  typeName: 'biaccess_redash_group_member',
  description:
    'A user\'s membership of a Redash group (built-in groups included). Adding an existing membership adopts it instead of duplicating it; ' +
    'removing a membership that is already gone is not an error. A membership removed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`group_id/user_id`.' },
    group_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash group id.' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash user id.' },
  },
  import: {
    format: FORMAT,
    parse(id) {
      const [groupId, userId] = importedIdPair(id, FORMAT);
      return { id: `${groupId}/${userId}`, group_id: String(groupId), user_id: String(userId) };
    },
  },

  async create({ client }, planned) {
    const groupId = parseId(planned.group_id, 'group_id');
    const userId = parseId(planned.user_id, 'user_id');
    // Redash answers 500 for an unknown group or user; say which attribute is wrong instead.
    if (!(await client.findGroup(groupId))) {
      throw new AttributeError('group_id', `Redash has no group with id ${groupId}. Use the id of a biaccess_redash_group resource or of data "biaccess_redash_group" (built-in groups).`);
    }
    await client.addMember(groupId, userId);
    return { id: `${groupId}/${userId}`, group_id: String(groupId), user_id: String(userId) };
  },

  async read({ client }, current) {
    const groupId = parseId(current.group_id, 'group_id');
    const userId = parseId(current.user_id, 'user_id');
    // The shared user listings serve every membership of a refresh: no call per membership.
    const member = await client.findUser(userId);
    if (!member || !member.groups.some((group) => group.id === groupId)) return null;
    return { id: `${groupId}/${userId}`, group_id: String(groupId), user_id: String(userId) };
  },

  async delete({ client }, current) {
    await client.removeMember(parseId(current.group_id, 'group_id'), parseId(current.user_id, 'user_id'));
  },
};

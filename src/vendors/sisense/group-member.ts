// biaccess_sisense_group_member: a user in a group. Sisense stores membership on the user (its
// `groups` array, never de-duplicated by Sisense); the adapter rewrites that array under the
// user's lock, so a membership is never stored twice.
import { membershipResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { isBuiltInGroup, sisenseAccess } from './access';
import { SISENSE_ID, sisenseIdValidator, type SisenseApi } from './client';

export interface GroupMemberModel {
  id: string;
  group_id: string;
  user_id: string;
}

const ID = compositeId([
  ['group_id', SISENSE_ID],
  ['user_id', SISENSE_ID, '5b3293aa1ed43bccb04e1f39'],
]);

export const groupMember = membershipResource<GroupMemberModel, SisenseApi>({
  typeName: 'biaccess_sisense_group_member',
  description:
    'A user\'s membership of a Sisense group (`Admins` included). Adding an existing membership adopts it instead of duplicating it. ' +
    'A membership removed by hand shows as drift and is restored by the next apply. `Everyone` and `All users in system` hold every user already.',
  attributes: {
    id: { type: 'string', computed: true, description: '`group_id/user_id`.' },
    group_id: { type: 'string', required: true, forceNew: true, validators: [sisenseIdValidator], description: 'Sisense group id.' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [sisenseIdValidator], description: 'Sisense user id.' },
  },
  id: ID,
  adapter: sisenseAccess,
  membership: (model) => ({ group: { kind: 'group', id: model.group_id }, member: { kind: 'user', id: model.user_id } }),
  model: (membership) => ({ id: '', group_id: membership.group.id, user_id: membership.member.id }),
  attributeFor: (subject) => (subject === 'group' ? 'group_id' : 'user_id'),

  async plan({ client }, { planned }) {
    const groupId = known(planned?.group_id);
    if (groupId !== undefined && SISENSE_ID.pattern.test(groupId)) {
      const group = await client.getGroup(groupId);
      if (!group) throw new AttributeError('group_id', `Sisense has no group with id ${groupId}. Use the id of a biaccess_sisense_group resource or of data "biaccess_sisense_group" (built-in groups).`);
      if (isBuiltInGroup(group.name) && group.name !== 'Admins') {
        throw new AttributeError('group_id', `"${group.name}" holds every Sisense user by itself; a membership of it cannot be added or removed.`);
      }
    }
    const userId = known(planned?.user_id);
    if (userId !== undefined && SISENSE_ID.pattern.test(userId) && !(await client.getUser(userId))) {
      throw new AttributeError('user_id', `Sisense has no user with id ${userId}.`);
    }
  },
});

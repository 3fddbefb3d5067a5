// biaccess_redash_group_member: a user in a group. Redash stores membership on the user (its
// `groups` array); the adapter changes it under the user's lock, never leaving a duplicate.
import { membershipResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { redashAccess } from './access';
import { REDASH_ID, redashIdValidator, type RedashApi } from './client';

export interface GroupMemberModel {
  id: string;
  group_id: string;
  user_id: string;
}

const ID = compositeId([
  ['group_id', REDASH_ID, '3'],
  ['user_id', REDASH_ID],
]);

export const groupMember = membershipResource<GroupMemberModel, RedashApi>({
  typeName: 'biaccess_redash_group_member',
  description:
    'A user\'s membership of a Redash group (built-in groups included). Adding an existing membership adopts it instead of duplicating it; ' +
    'removing a membership that is already gone is not an error. A membership removed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`group_id/user_id`.' },
    group_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash group id.' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash user id.' },
  },
  id: ID,
  adapter: redashAccess,
  membership: (model) => ({ group: { kind: 'group', id: model.group_id }, member: { kind: 'user', id: model.user_id } }),
  model: (membership) => ({ id: '', group_id: membership.group.id, user_id: membership.member.id }),
  attributeFor: (subject) => (subject === 'group' ? 'group_id' : 'user_id'),

  async plan({ client }, { planned }) {
    const groupId = known(planned?.group_id);
    if (groupId === undefined || !REDASH_ID.pattern.test(groupId)) return;
    if (!(await client.findGroup(Number(groupId)))) {
      throw new AttributeError('group_id', `Redash has no group with id ${groupId}. Use the id of a biaccess_redash_group resource or of data "biaccess_redash_group" (built-in groups).`);
    }
  },
});

// biaccess_periscope_role_member: a user in a role. Periscope keeps membership on the user (its
// `roles` list, written whole): the adapter changes it under the user's lock, batching the
// changes to one user that arrive together, and reads it back after writing.
import { membershipResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { everyoneMessage, periscopeAccess } from './access';
import { EVERYONE, PERISCOPE_ID, periscopeIdValidator, type PeriscopeApi } from './client';

export interface RoleMemberModel {
  id: string;
  role_id: string;
  user_id: string;
}

export const roleMember = membershipResource<RoleMemberModel, PeriscopeApi>({
  typeName: 'biaccess_periscope_role_member',
  description:
    "A user's membership of a Periscope role (default roles included, except Everyone, which holds every user). Other roles of the user are never touched. " +
    'A membership removed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`role_id/user_id`.' },
    role_id: { type: 'string', required: true, forceNew: true, validators: [periscopeIdValidator], description: 'Periscope role id (of a biaccess_periscope_role, or of data "biaccess_periscope_role" for a default role).' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [periscopeIdValidator], description: 'Periscope user id.' },
  },
  id: compositeId([
    ['role_id', PERISCOPE_ID, '7'],
    ['user_id', PERISCOPE_ID, '1042'],
  ]),
  adapter: periscopeAccess,
  membership: (model) => ({ group: { kind: 'group', id: model.role_id }, member: { kind: 'user', id: model.user_id } }),
  model: (membership) => ({ id: '', role_id: membership.group.id, user_id: membership.member.id }),
  attributeFor: (subject) => (subject === 'group' ? 'role_id' : 'user_id'),

  async plan({ client }, { planned }) {
    const roleId = known(planned?.role_id);
    if (roleId === undefined || !PERISCOPE_ID.pattern.test(roleId)) return;
    const found = await client.findRole(roleId);
    if (!found) throw new AttributeError('role_id', `Periscope has no role with id ${roleId}. Use the id of a biaccess_periscope_role resource or of data "biaccess_periscope_role" (default roles).`);
    if (found.name === EVERYONE) throw new AttributeError('role_id', everyoneMessage());
  },
});

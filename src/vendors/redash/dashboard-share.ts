// biaccess_redash_dashboard_share: a user's edit right on a dashboard (Redash's ACL `modify` grant).
import { grantResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { redashAccess } from './access';
import { REDASH_ID, redashIdValidator, type RedashApi } from './client';

export interface DashboardShareModel {
  id: string;
  dashboard_id: string;
  user_id: string;
}

const ID = compositeId([
  ['dashboard_id', REDASH_ID, '3'],
  ['user_id', REDASH_ID],
]);

export const dashboardShare = grantResource<DashboardShareModel, RedashApi>({
  typeName: 'biaccess_redash_dashboard_share',
  description:
    'Shares a Redash dashboard with a user with edit rights (the ACL grant `modify`, the only level Redash acts on; viewing follows ' +
    'from data source access). Grants are per user. A grant revoked by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`dashboard_id/user_id`.' },
    dashboard_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash dashboard id (see data "biaccess_redash_dashboard").' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash user id.' },
  },
  id: ID,
  adapter: redashAccess,
  grant: (model) => ({ object: { kind: 'dashboard', id: model.dashboard_id }, principal: { kind: 'user', id: model.user_id }, level: 'edit' }),
  model: (grant) => ({ id: '', dashboard_id: grant.object.id, user_id: grant.principal.id }),
  attributeFor: (subject) => (subject === 'object' ? 'dashboard_id' : 'user_id'),

  async plan({ client }, { planned }) {
    const dashboardId = known(planned?.dashboard_id);
    if (dashboardId !== undefined && REDASH_ID.pattern.test(dashboardId) && (await client.dashboardEditors(Number(dashboardId))) === undefined) {
      throw new AttributeError('dashboard_id', `Redash has no dashboard with id ${dashboardId}. Look it up with data "biaccess_redash_dashboard" (by id, slug or name).`);
    }
  },
});

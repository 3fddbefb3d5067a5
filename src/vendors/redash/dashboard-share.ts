// biaccess_redash_dashboard_share: a user's edit right on a dashboard (Redash's ACL `modify` grant).
import { AttributeError, type ResourceDefinition } from '../../framework/definitions';
import { VendorApiError } from '../../framework/http';
import { importedIdPair, parseId, redashIdValidator, type RedashApi } from './client';

export interface DashboardShareModel {
  id: string;
  dashboard_id: string;
  user_id: string;
}

const FORMAT = 'dashboard_id/user_id';

export const dashboardShare: ResourceDefinition<DashboardShareModel, RedashApi> = {
  typeName: 'biaccess_redash_dashboard_share',
  description:
    'Shares a Redash dashboard with a user with edit rights (the ACL grant `modify`, the only level Redash acts on; viewing follows ' +
    'from data source access). Grants are per user. A grant revoked by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`dashboard_id/user_id`.' },
    dashboard_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash dashboard id (see data "biaccess_redash_dashboard").' },
    user_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash user id.' },
  },
  import: {
    format: FORMAT,
    parse(id) {
      const [dashboardId, userId] = importedIdPair(id, FORMAT);
      return { id: `${dashboardId}/${userId}`, dashboard_id: String(dashboardId), user_id: String(userId) };
    },
  },

  async create({ client }, planned) {
    const dashboardId = parseId(planned.dashboard_id, 'dashboard_id');
    const userId = parseId(planned.user_id, 'user_id');
    const editors = await client.dashboardEditors(dashboardId, { fresh: true });
    if (editors === undefined) {
      throw new AttributeError('dashboard_id', `Redash has no dashboard with id ${dashboardId}. Look it up with data "biaccess_redash_dashboard" (by id, slug or name).`);
    }
    if (!editors.includes(userId)) {
      try {
        await client.grantDashboardEdit(dashboardId, userId);
      } catch (error) {
        if (error instanceof VendorApiError && error.status === 400 && /user not found/i.test(error.vendorMessage ?? '')) {
          throw new AttributeError('user_id', `Redash has no user with id ${userId} (${error.message}).`);
        }
        throw error;
      }
    }
    return { id: `${dashboardId}/${userId}`, dashboard_id: String(dashboardId), user_id: String(userId) };
  },

  async read({ client }, current) {
    const dashboardId = parseId(current.dashboard_id, 'dashboard_id');
    const userId = parseId(current.user_id, 'user_id');
    // Shared per dashboard: one ACL read serves all its shares. No dashboard, no share.
    const editors = await client.dashboardEditors(dashboardId);
    if (!editors?.includes(userId)) return null;
    return { id: `${dashboardId}/${userId}`, dashboard_id: String(dashboardId), user_id: String(userId) };
  },

  async delete({ client }, current) {
    try {
      await client.revokeDashboardEdit(parseId(current.dashboard_id, 'dashboard_id'), parseId(current.user_id, 'user_id'));
    } catch (error) {
      // Gone already: the dashboard (404) or the user (400 "User not found."), and with it the grant.
      const gone = error instanceof VendorApiError && (error.status === 404 || (error.status === 400 && /user not found/i.test(error.vendorMessage ?? '')));
      if (!gone) throw error;
    }
  },
};

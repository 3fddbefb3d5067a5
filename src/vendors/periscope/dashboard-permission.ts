// biaccess_periscope_dashboard_permission: one dashboard in a role's permission list, with the
// permission names the role has on it. The role's list is written whole: the adapter changes this
// entry only, under the role's lock (shared with the role resource), batching the entries of one
// role that change together.
import { grantResource } from '../../access/resources';
import { AttributeError, known, type Validator } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { KNOWN_DASHBOARD_PERMISSIONS, levelOf, periscopeAccess } from './access';
import { PERISCOPE_ID, periscopeIdValidator, type PeriscopeApi } from './client';

export interface DashboardPermissionModel {
  id: string;
  role_id: string;
  dashboard_id: string;
  permissions: string[];
}

/** A non-empty set of non-empty names (elements not known until apply are checked then). */
const permissionNames: Validator = {
  description: `a non-empty set of permission names such as "read_dashboards" (known: ${KNOWN_DASHBOARD_PERMISSIONS.join(', ')}; any name is accepted)`,
  check: (value) => {
    if (!Array.isArray(value)) return 'got a value that is not a set';
    if (value.length === 0) return 'got an empty set (to take the access away, remove the resource)';
    return value.some((name) => name === '') ? 'got an empty name' : undefined;
  },
};

export const dashboardPermission = grantResource<DashboardPermissionModel, PeriscopeApi>({
  typeName: 'biaccess_periscope_dashboard_permission',
  description:
    "Gives a Periscope role a dashboard: one entry {object_type = \"Dashboard\", object_id, permissions} in the role's permission list (default roles included). " +
    'Other entries of the role and its privileges are never touched. An entry removed or changed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`role_id/dashboard_id`.' },
    role_id: { type: 'string', required: true, forceNew: true, validators: [periscopeIdValidator], description: 'Periscope role id (of a biaccess_periscope_role, or of data "biaccess_periscope_role").' },
    dashboard_id: { type: 'string', required: true, forceNew: true, validators: [periscopeIdValidator], description: 'Periscope dashboard id (see data "biaccess_periscope_dashboard").' },
    permissions: { type: ['set', 'string'], required: true, validators: [permissionNames], description: 'What the role may do on the dashboard. Changes in place.' },
  },
  id: compositeId([
    ['role_id', PERISCOPE_ID, '7'],
    ['dashboard_id', PERISCOPE_ID, '5003'],
  ]),
  adapter: periscopeAccess,
  grant: (model) => ({
    object: { kind: 'dashboard', id: model.dashboard_id },
    principal: { kind: 'group', id: model.role_id },
    // Unknown when an import reads the entry: only the ids matter then.
    level: levelOf(model.permissions ?? []),
    detail: { permissions: model.permissions ?? [] },
  }),
  model: (grant, current) => ({ ...current, role_id: grant.principal.id, dashboard_id: grant.object.id, permissions: [...(grant.detail?.permissions ?? [])] }),
  attributeFor: (subject) => (subject === 'object' ? 'dashboard_id' : subject === 'level' ? 'permissions' : 'role_id'),

  async plan({ client }, { planned }) {
    const roleId = known(planned?.role_id);
    if (roleId !== undefined && PERISCOPE_ID.pattern.test(roleId) && !(await client.findRole(roleId))) {
      throw new AttributeError('role_id', `Periscope has no role with id ${roleId}. Use the id of a biaccess_periscope_role resource or of data "biaccess_periscope_role" (default roles).`);
    }
    const dashboardId = known(planned?.dashboard_id);
    if (dashboardId !== undefined && PERISCOPE_ID.pattern.test(dashboardId) && !(await client.findDashboard(dashboardId))) {
      throw new AttributeError('dashboard_id', `Periscope has no dashboard with id ${dashboardId}. Look it up with data "biaccess_periscope_dashboard" (by id or name).`);
    }
  },
});

// biaccess_grafana_dashboard_permission: one grant on one dashboard (logic in grant-common.ts).
import { grantResource } from './grant-common';

export const dashboardPermission = grantResource({
  typeName: 'biaccess_grafana_dashboard_permission',
  description:
    'One permission on one Grafana dashboard for a user, a team or a basic role. Other grants on the dashboard are never touched; grants inherited from folders are not part of it.',
  resource: 'dashboards',
  objectAttribute: 'dashboard_uid',
  objectLabel: 'dashboard',
  permissions: ['View', 'Edit', 'Admin'],
  objectPath: (uid) => `/api/dashboards/uid/${encodeURIComponent(uid)}`,
  legacyPath: (uid) => `/api/dashboards/uid/${encodeURIComponent(uid)}/permissions`,
});

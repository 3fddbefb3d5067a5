// biaccess_grafana_dashboard_permission: one grant on one dashboard (the shared part is in grant-common.ts).
import { grafanaGrantResource } from './grant-common';

export const dashboardPermission = grafanaGrantResource({
  typeName: 'biaccess_grafana_dashboard_permission',
  description:
    'One permission on one Grafana dashboard for a user, a team or a basic role. Other grants on the dashboard are never touched; grants inherited from folders are not part of it.',
  resource: 'dashboards',
  objectKind: 'dashboard',
  objectAttribute: 'dashboard_uid',
  objectLabel: 'dashboard',
  permissions: ['View', 'Edit', 'Admin'],
});

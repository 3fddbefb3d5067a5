// biaccess_grafana_data_source_permission: one grant on one data source (logic in grant-common.ts).
// Grafana Enterprise and Cloud only. The Grafana 8 Enterprise API (/api/datasources/:id/permissions,
// Query only, numeric ids) is not supported.
import { grantResource } from './grant-common';

export const dataSourcePermission = grantResource({
  typeName: 'biaccess_grafana_data_source_permission',
  description:
    'One permission on one Grafana data source for a user, a team or a basic role (Grafana Enterprise or Cloud, version 9 or later). Other grants on the data source are never touched.',
  resource: 'datasources',
  objectAttribute: 'data_source_uid',
  objectLabel: 'data source',
  // `Admin` exists from Grafana 10 on; an older server's own list is checked before writing.
  permissions: ['Query', 'Edit', 'Admin'],
  objectPath: (uid) => `/api/datasources/uid/${encodeURIComponent(uid)}`,
  unavailable:
    'Data source permissions are a Grafana Enterprise / Grafana Cloud feature, and this Grafana does not offer them (GET /api/access-control/datasources/description was not found). Use an Enterprise-licensed or Cloud instance, or manage data source access through teams and org roles.',
});

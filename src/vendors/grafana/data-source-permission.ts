// biaccess_grafana_data_source_permission: one grant on one data source (the shared part is in
// grant-common.ts). Grafana Enterprise and Cloud only. The Grafana 8 Enterprise API
// (/api/datasources/:id/permissions, Query only, numeric ids) is not supported.
import { grafanaGrantResource } from './grant-common';

export const dataSourcePermission = grafanaGrantResource({
  typeName: 'biaccess_grafana_data_source_permission',
  description:
    'One permission on one Grafana data source for a user, a team or a basic role (Grafana Enterprise or Cloud, version 9 or later). Other grants on the data source are never touched.',
  resource: 'datasources',
  objectKind: 'data_source',
  objectAttribute: 'data_source_uid',
  objectLabel: 'data source',
  // `Admin` exists from Grafana 10 on; an older server's own list is checked before writing.
  permissions: ['Query', 'Edit', 'Admin'],
});

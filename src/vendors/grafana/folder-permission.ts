// biaccess_grafana_folder_permission: one grant on one folder (the shared part is in grant-common.ts).
import { grafanaGrantResource } from './grant-common';

export const folderPermission = grafanaGrantResource({
  typeName: 'biaccess_grafana_folder_permission',
  description:
    'One permission on one Grafana folder (inherited by its dashboards and subfolders) for a user, a team or a basic role. Other grants on the folder are never touched.',
  resource: 'folders',
  objectKind: 'folder',
  objectAttribute: 'folder_uid',
  objectLabel: 'folder',
  permissions: ['View', 'Edit', 'Admin'],
});

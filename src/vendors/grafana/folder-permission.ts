// biaccess_grafana_folder_permission: one grant on one folder (logic in grant-common.ts).
import { grantResource } from './grant-common';

export const folderPermission = grantResource({
  typeName: 'biaccess_grafana_folder_permission',
  description:
    'One permission on one Grafana folder (inherited by its dashboards and subfolders) for a user, a team or a basic role. Other grants on the folder are never touched.',
  resource: 'folders',
  objectAttribute: 'folder_uid',
  objectLabel: 'folder',
  permissions: ['View', 'Edit', 'Admin'],
  objectPath: (uid) => `/api/folders/${encodeURIComponent(uid)}`,
  legacyPath: (uid) => `/api/folders/${encodeURIComponent(uid)}/permissions`,
});

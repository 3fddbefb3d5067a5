// data biaccess_grafana_dashboard: a dashboard by uid, or by title (optionally within a folder).
import { known, type DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { GrafanaApi } from './client';

export const dashboardLookup: DataSourceDefinition<Record<string, CtyValue>, GrafanaApi> = {
  typeName: 'biaccess_grafana_dashboard',
  description: 'Looks a dashboard up by uid, or by exact title (titles are unique only within a folder: set folder_uid when several match).',
  attributes: {
    uid: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Dashboard uid.' },
    title: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Dashboard title (exact).' },
    folder_uid: { type: 'string', optional: true, computed: true, description: 'Folder to search in (with title); the found dashboard\'s folder, "" for the root (General).' },
    id: { type: 'string', computed: true, description: 'Numeric dashboard id (deprecated in Grafana; prefer the uid).' },
  },
  rules: [exactlyOneOf(['uid', 'title'])],
  async read({ client }, config) {
    const wantedFolder = known(config.folder_uid) as string | undefined;
    let uid = known(config.uid) as string | undefined;
    if (uid === undefined) {
      const title = config.title as string;
      const hits = (await client.search('dash-db', title)).filter(
        (hit) => hit.type === 'dash-db' && hit.title === title && (wantedFolder === undefined || (hit.folderUid ?? '') === wantedFolder),
      );
      if (hits.length === 0) throw new Error(`No dashboard titled "${title}"${wantedFolder !== undefined ? ` in folder "${wantedFolder}"` : ''}.`);
      if (hits.length > 1) throw new Error(`${hits.length} dashboards are titled "${title}" (uids ${hits.map((hit) => hit.uid).join(', ')}); set folder_uid or look it up by uid.`);
      uid = hits[0].uid;
    }
    const found = await client.getDashboard(uid);
    if (!found) throw new Error(`No dashboard with uid "${uid}".`);
    const folderUid = found.meta.folderUid ?? '';
    if (wantedFolder !== undefined && wantedFolder !== folderUid) throw new Error(`Dashboard "${uid}" is in folder "${folderUid}", not "${wantedFolder}".`);
    return { uid: found.dashboard.uid, title: found.dashboard.title, folder_uid: folderUid, id: String(found.dashboard.id) };
  },
};

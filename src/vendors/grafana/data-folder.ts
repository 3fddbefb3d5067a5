// data biaccess_grafana_folder: a folder by uid or by title.
import { known, type DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { GrafanaApi } from './client';

export const folderLookup: DataSourceDefinition<Record<string, CtyValue>, GrafanaApi> = {
  typeName: 'biaccess_grafana_folder',
  description: 'Looks a folder up by uid or by exact title (nested folders included; an ambiguous title is an error).',
  attributes: {
    uid: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Folder uid.' },
    title: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Folder title (exact).' },
    id: { type: 'string', computed: true, description: 'Numeric folder id.' },
  },
  rules: [exactlyOneOf(['uid', 'title'])],
  async read({ client }, config) {
    let uid = known(config.uid) as string | undefined;
    if (uid === undefined) {
      const title = config.title as string;
      // The search covers nested folders; GET /api/folders lists one level only.
      const hits = (await client.search('dash-folder', title)).filter((hit) => hit.type === 'dash-folder' && hit.title === title);
      if (hits.length === 0) throw new Error(`No folder titled "${title}".`);
      if (hits.length > 1) throw new Error(`${hits.length} folders are titled "${title}" (uids ${hits.map((hit) => hit.uid).join(', ')}); look it up by uid.`);
      uid = hits[0].uid;
    }
    const folder = await client.getFolder(uid);
    if (!folder) throw new Error(`No folder with uid "${uid}".`);
    return { uid: folder.uid, title: folder.title, id: String(folder.id) };
  },
};

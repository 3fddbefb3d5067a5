// data biaccess_sisense_dashboard: a dashboard by oid or by exact title, among all owners' dashboards.
import { known, type DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { sisenseIdValidator, type SisenseApi, type SisenseDashboard } from './client';

export const dashboardLookup: DataSourceDefinition<Record<string, CtyValue>, SisenseApi> = {
  typeName: 'biaccess_sisense_dashboard',
  description: 'Looks a Sisense dashboard up by oid or by exact title, whoever owns it (titles are not unique: an ambiguous title is an error listing the oids).',
  attributes: {
    id: { type: 'string', optional: true, computed: true, validators: [sisenseIdValidator], description: 'Dashboard oid.' },
    title: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Dashboard title (exact).' },
    owner_id: { type: 'string', computed: true, description: 'Id of the user who owns it.' },
    data_model_title: { type: 'string', computed: true, description: 'Title of the data model it queries (null when none); share that model too (biaccess_sisense_data_model_share).' },
  },
  rules: [exactlyOneOf(['id', 'title'])],
  async read({ client }, config) {
    const id = known(config.id) as string | undefined;
    let found: SisenseDashboard | undefined;
    if (id !== undefined) {
      found = await client.findDashboard(id);
      if (!found) throw new Error(`Sisense has no dashboard with oid ${id}.`);
    } else {
      const title = config.title as string;
      const hits = await client.findDashboardsByTitle(title);
      if (hits.length === 0) throw new Error(`Sisense has no dashboard titled "${title}".`);
      if (hits.length > 1) throw new Error(`${hits.length} Sisense dashboards are titled "${title}" (oids ${hits.map((hit) => hit.oid).join(', ')}); look it up by id instead.`);
      found = hits[0];
    }
    return { id: found.oid, title: found.title, owner_id: found.owner, data_model_title: found.datasource?.title ?? null };
  },
};

// data "biaccess_periscope_dashboard": a Periscope dashboard looked up by id or name, through
// every page of the dashboard list.
import type { DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf } from '../../framework/validators';
import { periscopeIdValidator, type PeriscopeApi, type PeriscopeDashboard } from './client';

export interface DashboardLookupModel {
  id: string | null;
  name: string | null;
}

export const dashboardLookup: DataSourceDefinition<DashboardLookupModel, PeriscopeApi> = {
  typeName: 'biaccess_periscope_dashboard',
  description: 'Looks up a Periscope dashboard by exactly one of `id` or `name` (exact). An ambiguous name is an error that lists the ids.',
  attributes: {
    id: { type: 'string', optional: true, computed: true, validators: [periscopeIdValidator], description: 'Periscope dashboard id.' },
    name: { type: 'string', optional: true, computed: true, description: 'Dashboard name.' },
  },
  rules: [exactlyOneOf(['id', 'name'])],
  async read({ client }, config) {
    let found: PeriscopeDashboard | undefined;
    if (config.id != null) {
      found = await client.findDashboard(config.id);
      if (!found) throw new Error(`Periscope has no dashboard with id ${config.id}.`);
    } else {
      const named = (await client.listDashboards()).filter((dashboard) => dashboard.name === config.name);
      if (named.length === 0) throw new Error(`Periscope has no dashboard named "${config.name}".`);
      if (named.length > 1) throw new Error(`Periscope has ${named.length} dashboards named "${config.name}" (ids ${named.map((dashboard) => dashboard.id).join(', ')}); look it up by id instead.`);
      found = named[0];
    }
    return { id: found.id, name: found.name };
  },
};

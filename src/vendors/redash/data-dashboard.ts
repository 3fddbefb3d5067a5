// data "biaccess_redash_dashboard": a Redash dashboard looked up by id, slug or name.
import type { DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf } from '../../framework/validators';
import { parseId, redashIdValidator, type RedashApi, type RedashDashboard } from './client';

export interface DashboardLookupModel {
  id: string | null;
  slug: string | null;
  name: string | null;
}

export const dashboardLookup: DataSourceDefinition<DashboardLookupModel, RedashApi> = {
  typeName: 'biaccess_redash_dashboard',
  description:
    'Looks up a Redash dashboard by exactly one of `id`, `slug` or `name` (archived dashboards are not found by name). ' +
    'Names are not unique in Redash: an ambiguous name is an error that lists the ids.',
  attributes: {
    id: { type: 'string', optional: true, computed: true, validators: [redashIdValidator], description: 'Redash dashboard id.' },
    slug: { type: 'string', optional: true, computed: true, description: 'URL slug (Redash 10+ answers the slugified current name).' },
    name: { type: 'string', optional: true, computed: true, description: 'Dashboard name (exact).' },
  },
  rules: [exactlyOneOf(['id', 'slug', 'name'])],
  async read({ client }, config) {
    let found: RedashDashboard | undefined;
    if (config.id != null) {
      const id = parseId(config.id, 'id');
      // Redash 10+ takes the numeric id; older servers take a slug there, so the list is the fallback.
      found = (await client.getDashboard(id)) ?? (await client.listDashboards()).find((dashboard) => dashboard.id === id);
      if (!found) throw new Error(`Redash has no dashboard with id ${id}.`);
    } else if (config.slug != null) {
      found = only(await client.findDashboardBySlug(config.slug), `slug "${config.slug}"`);
    } else {
      const named = (await client.listDashboards(config.name!)).filter((dashboard) => dashboard.name === config.name);
      found = only(named, `name "${config.name}"`);
    }
    return { id: String(found.id), slug: found.slug, name: found.name };
  },
};

function only(candidates: RedashDashboard[], what: string): RedashDashboard {
  const unique = [...new Map(candidates.map((dashboard) => [dashboard.id, dashboard])).values()];
  if (unique.length === 0) throw new Error(`Redash has no dashboard with ${what} visible to this API key.`);
  if (unique.length > 1) {
    throw new Error(`Redash has ${unique.length} dashboards with ${what} (ids ${unique.map((dashboard) => dashboard.id).join(', ')}); look it up by id instead.`);
  }
  return unique[0];
}

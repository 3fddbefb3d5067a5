// data biaccess_grafana_team: a team of the provider's org by name.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { GrafanaApi } from './client';

export const teamLookup: DataSourceDefinition<Record<string, CtyValue>, GrafanaApi> = {
  typeName: 'biaccess_grafana_team',
  description: "Looks a team of the provider's org up by its exact name.",
  attributes: {
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Team name (exact).' },
    id: { type: 'string', computed: true, description: 'Team id.' },
    uid: { type: 'string', computed: true, description: 'Team uid.' },
    email: { type: 'string', computed: true, description: 'Team email (empty when unset).' },
  },
  async read({ client }, config) {
    const name = config.name as string;
    const team = await client.findTeamByName(name);
    if (!team) throw new Error(`The provider's org has no team named "${name}".`);
    return { name, id: String(team.id), uid: team.uid ?? null, email: team.email };
  },
};

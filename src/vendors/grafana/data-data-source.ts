// data biaccess_grafana_data_source: a data source by uid or by name.
import { known, type DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { GrafanaApi } from './client';

export const dataSourceLookup: DataSourceDefinition<Record<string, CtyValue>, GrafanaApi> = {
  typeName: 'biaccess_grafana_data_source',
  description: "Looks a data source of the provider's org up by uid or by name.",
  attributes: {
    uid: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Data source uid.' },
    name: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Data source name (unique in the org).' },
    id: { type: 'string', computed: true, description: 'Numeric id (Grafana 13 disables the id-based APIs; prefer the uid).' },
    type: { type: 'string', computed: true, description: 'Plugin type, e.g. `prometheus`.' },
  },
  rules: [exactlyOneOf(['uid', 'name'])],
  async read({ client }, config) {
    const uid = known(config.uid) as string | undefined;
    const found = uid !== undefined ? await client.getDataSource(uid) : await client.getDataSourceByName(config.name as string);
    if (!found) throw new Error(uid !== undefined ? `No data source with uid "${uid}".` : `No data source named "${String(config.name)}".`);
    return { uid: found.uid, name: found.name, id: String(found.id), type: found.type };
  },
};

// data "biaccess_redash_data_source": a Redash data source looked up by name.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { RedashApi } from './client';

export interface DataSourceLookupModel {
  name: string;
  id: string;
  type: string;
}

export const dataSourceLookup: DataSourceDefinition<DataSourceLookupModel, RedashApi> = {
  typeName: 'biaccess_redash_data_source',
  description: 'Looks up a Redash data source by name (names are unique in Redash).',
  attributes: {
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Data source name (exact).' },
    id: { type: 'string', computed: true, description: 'Redash data source id.' },
    type: { type: 'string', computed: true, description: 'Query runner type, e.g. `pg`.' },
  },
  async read({ client }, config) {
    const found =
      (await client.listDataSources()).find((candidate) => candidate.name === config.name) ??
      (await client.listDataSources({ fresh: true })).find((candidate) => candidate.name === config.name);
    if (!found) throw new Error(`Redash has no data source named "${config.name}" visible to this API key.`);
    return { name: config.name, id: String(found.id), type: found.type };
  },
};

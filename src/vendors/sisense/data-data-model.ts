// data biaccess_sisense_data_model: a data model by title.
import type { DataSourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { SisenseApi } from './client';

export const dataModelLookup: DataSourceDefinition<Record<string, CtyValue>, SisenseApi> = {
  typeName: 'biaccess_sisense_data_model',
  description: 'Looks a Sisense data model (an extract ElastiCube or a live model) up by exact title.',
  attributes: {
    title: { type: 'string', required: true, validators: [minLength(1)], description: 'Data model title (exact).' },
    id: { type: 'string', computed: true, description: 'Data model oid.' },
    type: { type: 'string', computed: true, description: '`extract` or `live`.' },
  },
  async read({ client }, config) {
    const title = config.title as string;
    const found = await client.findDataModelByTitle(title);
    if (!found) throw new Error(`Sisense has no data model titled "${title}".`);
    return { title, id: found.oid, type: found.type };
  },
};

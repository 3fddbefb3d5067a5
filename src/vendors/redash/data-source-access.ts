// biaccess_redash_data_source_access: a group's permission on a data source (full or view only).
import { AttributeError, type ResourceDefinition } from '../../framework/definitions';
import { importedIdPair, parseId, redashIdValidator, type RedashApi } from './client';

export interface DataSourceAccessModel {
  id: string;
  group_id: string;
  data_source_id: string;
  view_only: boolean;
}

const FORMAT = 'group_id/data_source_id';

export const dataSourceAccess: ResourceDefinition<DataSourceAccessModel, RedashApi> = {
  typeName: 'biaccess_redash_data_source_access',
  description:
    'Gives a Redash group access to a data source: full access (run and create queries) or, with `view_only`, only the results of ' +
    'existing queries. `view_only` changes in place. An existing link is adopted, never duplicated. Redash grants access in two ' +
    'steps (attach with full access, then set view only); if the second fails the link is removed again. A link removed or a ' +
    '`view_only` flipped by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`group_id/data_source_id`.' },
    group_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash group id.' },
    data_source_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash data source id.' },
    view_only: { type: 'bool', default: false, description: 'Only view results of existing queries (false: full access). Changes in place.' },
  },
  import: {
    format: FORMAT,
    parse(id) {
      const [groupId, dataSourceId] = importedIdPair(id, FORMAT);
      return { id: `${groupId}/${dataSourceId}`, group_id: String(groupId), data_source_id: String(dataSourceId) };
    },
  },

  async create({ client }, planned) {
    const groupId = parseId(planned.group_id, 'group_id');
    const dataSourceId = parseId(planned.data_source_id, 'data_source_id');
    // Redash answers 500 for an unknown group or data source on attach; name the attribute instead.
    if (!(await client.findGroup(groupId))) {
      throw new AttributeError('group_id', `Redash has no group with id ${groupId}. Use the id of a biaccess_redash_group resource or of data "biaccess_redash_group".`);
    }
    if (!(await client.getDataSource(dataSourceId, { fresh: true }))) {
      throw new AttributeError('data_source_id', `Redash has no data source with id ${dataSourceId}. Use the id of a biaccess_redash_data_source resource or of data "biaccess_redash_data_source".`);
    }
    await client.ensureLink(groupId, dataSourceId, planned.view_only);
    return { ...planned, id: `${groupId}/${dataSourceId}` };
  },

  async read({ client }, current) {
    const groupId = parseId(current.group_id, 'group_id');
    const dataSourceId = parseId(current.data_source_id, 'data_source_id');
    // Shared per group: one call serves all its links. An unknown group answers 404 (gone).
    const link = await client.findLink(groupId, dataSourceId);
    if (!link) return null;
    return { id: `${groupId}/${dataSourceId}`, group_id: String(groupId), data_source_id: String(dataSourceId), view_only: link.viewOnly };
  },

  async update({ client }, prior, planned) {
    const groupId = parseId(prior.group_id, 'group_id');
    const dataSourceId = parseId(prior.data_source_id, 'data_source_id');
    // ensureLink also covers a link removed since the refresh, and repairs duplicate rows.
    await client.ensureLink(groupId, dataSourceId, planned.view_only);
    return { ...planned, id: prior.id };
  },

  async delete({ client }, current) {
    await client.detachLink(parseId(current.group_id, 'group_id'), parseId(current.data_source_id, 'data_source_id'));
  },
};

// biaccess_redash_data_source_access: a group's access to a data source, full (query) or view
// only. The adapter links the pair exactly once and sets view_only.
import { grantResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { compositeId } from '../../framework/ids';
import { redashAccess } from './access';
import { REDASH_ID, redashIdValidator, type RedashApi } from './client';

export interface DataSourceAccessModel {
  id: string;
  group_id: string;
  data_source_id: string;
  view_only: boolean;
}

const ID = compositeId([
  ['group_id', REDASH_ID, '3'],
  ['data_source_id', REDASH_ID],
]);

export const dataSourceAccess = grantResource<DataSourceAccessModel, RedashApi>({
  typeName: 'biaccess_redash_data_source_access',
  description:
    'Gives a Redash group access to a data source: full access (run and create queries) or, with `view_only`, only the results of ' +
    'existing queries. `view_only` changes in place. An existing link is adopted, never duplicated. Redash grants view-only access in two ' +
    'steps (attach with full access, then set view only); if the second fails, the apply fails saying so and the link stays in the state ' +
    'with `view_only = false`, tainted, so the next apply replaces it. A link removed or a `view_only` flipped by hand shows as drift and is ' +
    'restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`group_id/data_source_id`.' },
    group_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash group id.' },
    data_source_id: { type: 'string', required: true, forceNew: true, validators: [redashIdValidator], description: 'Redash data source id.' },
    view_only: { type: 'bool', default: false, description: 'Only view results of existing queries (false: full access). Changes in place.' },
  },
  id: ID,
  adapter: redashAccess,
  grant: (model) => ({
    object: { kind: 'data_source', id: model.data_source_id },
    principal: { kind: 'group', id: model.group_id },
    level: model.view_only ? 'view' : 'query',
  }),
  model: (grant) => ({ id: '', group_id: grant.principal.id, data_source_id: grant.object.id, view_only: grant.level === 'view' }),
  attributeFor: (subject) => (subject === 'object' ? 'data_source_id' : subject === 'level' ? 'view_only' : 'group_id'),

  async plan({ client }, { planned }) {
    const groupId = known(planned?.group_id);
    const dataSourceId = known(planned?.data_source_id);
    if (groupId !== undefined && REDASH_ID.pattern.test(groupId) && !(await client.findGroup(Number(groupId)))) {
      throw new AttributeError('group_id', `Redash has no group with id ${groupId}. Use the id of a biaccess_redash_group resource or of data "biaccess_redash_group".`);
    }
    if (dataSourceId !== undefined && REDASH_ID.pattern.test(dataSourceId) && !(await client.getDataSource(Number(dataSourceId)))) {
      throw new AttributeError('data_source_id', `Redash has no data source with id ${dataSourceId}. Use the id of a biaccess_redash_data_source resource or of data "biaccess_redash_data_source".`);
    }
  },
});

// biaccess_sisense_data_model_share: a data model (extract ElastiCube or live model) shared with a
// user or a group. The model's whole permission list is rewritten under the model's lock, every
// entry nobody declared kept; the provider finds the model's type and title itself.
import { grantResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { exactlyOneOf, oneOf } from '../../framework/validators';
import { sisenseAccess } from './access';
import { DATA_MODEL_ID, dataModelIdValidator, sisenseIdValidator, type SisenseApi } from './client';
import { shareId } from './share-id';
import { checkPrincipal } from './share-principal';

export interface DataModelShareModel {
  id: string;
  data_model_id: string;
  user_id: string | null;
  group_id: string | null;
  permission: 'read' | 'use' | 'edit';
}

/** Permissions by level (API codes `a`, `r`, `w`). */
const PERMISSION_BY_LEVEL = { view: 'read', query: 'use', edit: 'edit' } as const;
const LEVEL_BY_PERMISSION = { read: 'view', use: 'query', edit: 'edit' } as const;

export const dataModelShare = grantResource<DataModelShareModel, SisenseApi>({
  typeName: 'biaccess_sisense_data_model_share',
  description:
    'Gives a user or a group a permission on a Sisense data model (an extract ElastiCube or a live model): `read`, `use` (query it and build ' +
    'dashboards on it) or `edit`. The model\'s whole permission list is read, merged and written back under a per-model lock, every entry ' +
    'nobody declared kept. A permission removed or changed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`data_model_id/user/<user_id>` or `data_model_id/group/<group_id>`.' },
    data_model_id: { type: 'string', required: true, forceNew: true, validators: [dataModelIdValidator], description: 'Data model oid (see data "biaccess_sisense_data_model").' },
    user_id: { type: 'string', optional: true, forceNew: true, validators: [sisenseIdValidator], description: 'The user it is shared with (exactly one of user_id and group_id).' },
    group_id: { type: 'string', optional: true, forceNew: true, validators: [sisenseIdValidator], description: 'The group it is shared with (exactly one of user_id and group_id).' },
    permission: { type: 'string', default: 'use', validators: [oneOf(['read', 'use', 'edit'])], description: '`read`, `use` or `edit` (API codes `a`, `r`, `w`). Changes in place.' },
  },
  rules: [exactlyOneOf(['user_id', 'group_id'])],
  id: shareId('data_model_id', DATA_MODEL_ID),
  adapter: sisenseAccess,
  grant: (model) => ({
    object: { kind: 'data_model', id: model.data_model_id },
    principal: model.user_id ? { kind: 'user', id: model.user_id } : { kind: 'group', id: model.group_id! },
    level: LEVEL_BY_PERMISSION[model.permission] ?? 'query',
  }),
  model: (grant) => ({
    id: '',
    data_model_id: grant.object.id,
    user_id: grant.principal.kind === 'user' ? grant.principal.id : null,
    group_id: grant.principal.kind === 'group' ? grant.principal.id : null,
    permission: PERMISSION_BY_LEVEL[grant.level as keyof typeof PERMISSION_BY_LEVEL] ?? 'use',
  }),
  attributeFor: (subject, model) => (subject === 'object' ? 'data_model_id' : subject === 'level' ? 'permission' : model.user_id ? 'user_id' : 'group_id'),

  async plan({ client }, { planned }) {
    if (!planned) return;
    const modelId = known(planned.data_model_id);
    if (modelId !== undefined && !(await client.findDataModel(modelId))) {
      throw new AttributeError('data_model_id', `Sisense has no data model with oid ${modelId}. Look it up with data "biaccess_sisense_data_model" (by title).`);
    }
    await checkPrincipal(client, planned);
  },
});

// What the three grant resources (dashboard, folder and data source permission) share: one grant
// for one assignee (a user, a team or a basic role) on one object of the provider's org, written
// for that assignee only. Grants nobody declared, on the same object, are never read back into
// state nor written; grants inherited from folders are not the object's own.
import { grantResource } from '../../access/resources';
import { AttributeError, ImportIdError, known, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength, oneOf } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { AccessSubjectError } from '../../access/model';
import { grafanaAccess } from './access';
import { GRAFANA_ID, grafanaId, grafanaIdValidator, type GrafanaApi, type PermissionResource } from './client';
import { orgHome } from './org-home';

/** Roles a grant may name (org Admins always have full access, so Admin is not granted). */
export const GRANT_ROLES = ['Viewer', 'Editor'] as const;
const LEVEL: Record<string, 'view' | 'query' | 'edit' | 'admin'> = { View: 'view', Query: 'query', Edit: 'edit', Admin: 'admin' };
const PERMISSION: Record<string, string> = { view: 'View', query: 'Query', edit: 'Edit', admin: 'Admin' };

export interface GrantKind {
  typeName: string;
  description: string;
  resource: PermissionResource;
  objectKind: 'dashboard' | 'folder' | 'data_source';
  /** Attribute holding the object's uid, e.g. `dashboard_uid`. */
  objectAttribute: string;
  /** Human name of the object, e.g. `dashboard`. */
  objectLabel: string;
  permissions: readonly string[];
}

type GrantModel = Record<string, CtyValue>;

export function grafanaGrantResource(kind: GrantKind): ResourceDefinition<GrantModel, GrafanaApi> {
  const { objectAttribute, objectLabel } = kind;
  const importFormat = `${objectAttribute}/user/USER_ID | ${objectAttribute}/team/TEAM_ID | ${objectAttribute}/role/ROLE`;

  const attributes: Attributes = {
    id: { type: 'string', computed: true, description: `The import ID: \`${objectAttribute}/user/ID\`, \`…/team/ID\` or \`…/role/NAME\`.` },
    [objectAttribute]: { type: 'string', required: true, forceNew: true, validators: [minLength(1)], description: `Uid of the ${objectLabel}.` },
    user_id: { type: 'string', optional: true, forceNew: true, validators: [grafanaIdValidator], description: 'Id of the user granted the permission.' },
    team_id: { type: 'string', optional: true, forceNew: true, validators: [grafanaIdValidator], description: 'Id of the team granted the permission.' },
    role: { type: 'string', optional: true, forceNew: true, validators: [oneOf(GRANT_ROLES)], description: 'Basic org role granted the permission (org Admins always have full access).' },
    permission: { type: 'string', required: true, validators: [oneOf(kind.permissions)], description: 'Permission level. Changes in place.' },
  };

  const principalOf = (model: GrantModel) => {
    if (known(model.user_id) !== undefined) return { kind: 'user' as const, id: String(grafanaId(model.user_id, 'user_id')) };
    if (known(model.team_id) !== undefined) return { kind: 'group' as const, id: String(grafanaId(model.team_id, 'team_id')) };
    const role = known(model.role);
    if (typeof role === 'string') return { kind: 'role' as const, id: role };
    throw new AttributeError('user_id', 'Exactly one of "user_id", "team_id", "role" must be set.');
  };

  const id = {
    format: importFormat,
    make: (values: object) => {
      const model = values as GrantModel;
      const principal = principalOf(model);
      return `${model[objectAttribute]}/${principal.kind === 'group' ? 'team' : principal.kind}/${principal.id}`;
    },
    split: (text: string) => {
      const parts = text.trim().split('/');
      const [uid, assigneeKind, key] = parts;
      const problem = (detail: string) => new ImportIdError(`${detail} Expected one of "${importFormat}", e.g. "abc123/user/42", "abc123/team/7" or "abc123/role/Viewer"; got "${text}".`);
      if (parts.length !== 3 || !uid) throw problem(`The ID needs three parts separated by "/".`);
      if (assigneeKind === 'user' || assigneeKind === 'team') {
        if (!GRAFANA_ID.pattern.test(key)) throw problem(`The ${assigneeKind} id must be a positive whole number.`);
        return { [objectAttribute]: uid, [`${assigneeKind}_id`]: key };
      }
      if (assigneeKind === 'role') {
        if (!(GRANT_ROLES as readonly string[]).includes(key)) throw problem(`The role must be one of ${GRANT_ROLES.map((role) => `"${role}"`).join(', ')}.`);
        return { [objectAttribute]: uid, role: key };
      }
      throw problem(`The middle part must be "user", "team" or "role".`);
    },
  };

  return grantResource<GrantModel, GrafanaApi>({
    typeName: kind.typeName,
    description: kind.description,
    attributes,
    rules: [exactlyOneOf(['user_id', 'team_id', 'role'])],
    id,
    adapter: grafanaAccess,
    home: orgHome,
    grant: (model) => ({
      object: { kind: kind.objectKind, id: String(model[objectAttribute]) },
      principal: principalOf(model),
      level: LEVEL[String(model.permission)] ?? 'view',
    }),
    model: (grant, current) => ({ ...current, permission: PERMISSION[grant.level] }),
    attributeFor: (subject, model) => {
      if (subject === 'object') return objectAttribute;
      if (subject === 'level') return 'permission';
      return known(model.user_id) !== undefined ? 'user_id' : known(model.team_id) !== undefined ? 'team_id' : 'role';
    },

    async plan({ client }, { planned }) {
      if (!planned) return;
      // Known at plan: the object and a team must exist, and data source grants need a licence.
      try {
        await grafanaAccess(client).offer(kind.resource);
      } catch (error) {
        throw error instanceof AccessSubjectError ? new AttributeError(objectAttribute, error.message) : error;
      }
      const uid = known(planned[objectAttribute]);
      if (typeof uid === 'string' && uid !== '' && !(await client.permissionTarget(kind.resource, uid))) {
        throw new AttributeError(objectAttribute, `Grafana has no ${objectLabel} with uid "${uid}" in the provider's org.`);
      }
      const teamId = known(planned.team_id);
      if (typeof teamId === 'string' && GRAFANA_ID.pattern.test(teamId) && !(await client.findTeam(Number(teamId)))) {
        throw new AttributeError('team_id', `Grafana has no team ${teamId} in the provider's org.`);
      }
    },
  });
}

// What the three grant resources (dashboard, folder and data source permission) share: one grant
// for one assignee (user, team or basic role) on one object, written through the access-control
// per-assignee endpoints (§2.8), which upsert or remove that assignee only. Grants nobody
// declared, on the same object, are never read back into state nor written.
//
// Grafana 8 without the access-control API only has the legacy whole-list POST (§2.7). There the
// list is read, changed for this assignee and written back under a per-object lock, so two grants
// on one object in the same run cannot overwrite each other.
import { AttributeError, ImportIdError, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import type { VendorHttpClient } from '../../framework/http';
import { exactlyOneOf, minLength, oneOf, positiveWholeNumber } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { getOrUndefined, isVendorStatus, known, toInteger, vendorMessage, type GrafanaClient } from './client';

export const GRANT_ROLES = ['Viewer', 'Editor'] as const;
const LEVEL_BY_NAME: Record<string, number> = { View: 1, Edit: 2, Admin: 4 };
const NAME_BY_LEVEL: Record<number, string> = { 1: 'View', 2: 'Edit', 4: 'Admin' };

export interface GrantKind {
  typeName: string;
  description: string;
  /** Access-control resource name. */
  resource: 'dashboards' | 'folders' | 'datasources';
  /** Attribute holding the object's uid, e.g. `dashboard_uid`. */
  objectAttribute: string;
  /** Human name of the object, e.g. `dashboard`. */
  objectLabel: string;
  permissions: readonly string[];
  /** GET path answering 404 when the object does not exist. */
  objectPath(uid: string): string;
  /** The legacy whole-list permission path (dashboards and folders only). */
  legacyPath?(uid: string): string;
  /** Why the access-control API is missing, when that is an error rather than an older Grafana. */
  unavailable?: string;
}

type AssigneeKind = 'user' | 'team' | 'role';

interface Assignee {
  kind: AssigneeKind;
  /** User or team id, or the role name. */
  key: string;
  attribute: 'user_id' | 'team_id' | 'role';
}

interface AccessControlEntry {
  userId?: number;
  teamId?: number;
  builtInRole?: string;
  isManaged?: boolean;
  isInherited?: boolean;
  permission: string;
}

interface LegacyItem {
  dashboardId?: number;
  userId?: number;
  teamId?: number;
  role?: string | null;
  permission: number;
  permissionName?: string;
  inherited?: boolean;
}

interface AccessControlDescription {
  assignments?: { users?: boolean; teams?: boolean; builtInRoles?: boolean };
  permissions?: string[];
}

type GrantModel = Record<string, CtyValue>;

const SEGMENT: Record<AssigneeKind, string> = { user: 'users', team: 'teams', role: 'builtInRoles' };
const ASSIGNMENT: Record<AssigneeKind, 'users' | 'teams' | 'builtInRoles'> = { user: 'users', team: 'teams', role: 'builtInRoles' };
const ATTRIBUTE: Record<AssigneeKind, Assignee['attribute']> = { user: 'user_id', team: 'team_id', role: 'role' };

function assigneeOf(model: GrantModel): Assignee {
  if (known(model.user_id) !== undefined) return { kind: 'user', key: String(toInteger(model.user_id, 'user_id')), attribute: 'user_id' };
  if (known(model.team_id) !== undefined) return { kind: 'team', key: String(toInteger(model.team_id, 'team_id')), attribute: 'team_id' };
  const role = known(model.role);
  if (typeof role === 'string') return { kind: 'role', key: role, attribute: 'role' };
  throw new AttributeError('user_id', 'Exactly one of "user_id", "team_id", "role" must be set.');
}

function grantId(uid: string, assignee: Assignee): string {
  return `${uid}/${assignee.kind}/${assignee.key}`;
}

function matchesEntry(entry: AccessControlEntry, assignee: Assignee): boolean {
  if (assignee.kind === 'user') return entry.userId === Number(assignee.key) && !entry.teamId && !entry.builtInRole;
  if (assignee.kind === 'team') return entry.teamId === Number(assignee.key);
  return entry.builtInRole === assignee.key && !entry.userId && !entry.teamId;
}

function matchesLegacy(item: LegacyItem, assignee: Assignee): boolean {
  if (assignee.kind === 'user') return (item.userId ?? 0) === Number(assignee.key);
  if (assignee.kind === 'team') return (item.teamId ?? 0) === Number(assignee.key);
  return item.role === assignee.key && !item.userId && !item.teamId;
}

export function grantResource(kind: GrantKind): ResourceDefinition<GrantModel, GrafanaClient> {
  const { resource, objectAttribute, objectLabel } = kind;
  const accessControlPath = (uid: string) => `/api/access-control/${resource}/${encodeURIComponent(uid)}`;
  const importFormat = `${objectAttribute}/user/USER_ID | ${objectAttribute}/team/TEAM_ID | ${objectAttribute}/role/ROLE`;

  const attributes: Attributes = {
    id: { type: 'string', computed: true, description: `The import ID: \`${objectAttribute}/user/ID\`, \`…/team/ID\` or \`…/role/NAME\`.` },
    [objectAttribute]: { type: 'string', required: true, forceNew: true, validators: [minLength(1)], description: `Uid of the ${objectLabel}.` },
    user_id: { type: 'number', optional: true, forceNew: true, validators: [positiveWholeNumber()], description: 'Numeric id of the user granted the permission.' },
    team_id: { type: 'number', optional: true, forceNew: true, validators: [positiveWholeNumber()], description: 'Numeric id of the team granted the permission.' },
    role: { type: 'string', optional: true, forceNew: true, validators: [oneOf(GRANT_ROLES)], description: 'Basic org role granted the permission (org Admins always have full access).' },
    permission: { type: 'string', required: true, validators: [oneOf(kind.permissions)], description: 'Permission level. Changes in place.' },
  };

  /** The access-control description, or undefined when this Grafana has no such API for the resource. */
  async function describe(http: VendorHttpClient): Promise<AccessControlDescription | undefined> {
    try {
      return await http.cachedGet<AccessControlDescription>(`/api/access-control/${resource}/description`);
    } catch (error) {
      if (isVendorStatus(error, 404)) {
        if (kind.unavailable) throw new Error(kind.unavailable);
        return undefined;
      }
      // [inf] An unlicensed Grafana may answer 403 rather than 404 for data sources.
      if (kind.unavailable && isVendorStatus(error, 403)) throw new Error(`${kind.unavailable} (Grafana answered: ${vendorMessage(error)}; the credentials may also lack the permission to manage them.)`);
      throw error;
    }
  }

  /** Checks what this Grafana offers before writing, so that the error names the attribute. */
  function checkOffered(description: AccessControlDescription, assignee: Assignee, permission: string): void {
    if (description.assignments?.[ASSIGNMENT[assignee.kind]] === false) {
      throw new AttributeError(assignee.attribute, `This Grafana does not allow ${SEGMENT[assignee.kind]} to be granted permissions on a ${objectLabel}.`);
    }
    const offered = description.permissions;
    if (permission !== '' && Array.isArray(offered) && offered.length > 0 && !offered.includes(permission)) {
      throw new AttributeError('permission', `This Grafana offers ${offered.map((name) => `"${name}"`).join(', ')} for a ${objectLabel}; "${permission}" is not one of them (older versions lack some levels).`);
    }
  }

  /** Turns a 4xx from a grant write into an error naming the attribute at fault. */
  async function explainWriteFailure(http: VendorHttpClient, uid: string, assignee: Assignee, error: unknown): Promise<unknown> {
    if (isVendorStatus(error, 404)) {
      if ((await getOrUndefined(http, kind.objectPath(uid))) === undefined) {
        return new AttributeError(objectAttribute, `Grafana has no ${objectLabel} with uid "${uid}" in the provider's org.`);
      }
      if (assignee.kind !== 'role') {
        return new AttributeError(assignee.attribute, `Grafana found no ${assignee.kind} ${assignee.key} in the ${objectLabel}'s org: ${vendorMessage(error)}`);
      }
    }
    if (isVendorStatus(error, 400)) {
      const text = vendorMessage(error);
      const attribute = /permission/i.test(text) ? 'permission' : assignee.attribute;
      return new AttributeError(attribute, `Grafana refused the grant: ${text}`);
    }
    return error;
  }

  /** Sets (or, with "", removes) this assignee's grant and nothing else. */
  async function write(client: GrafanaClient, uid: string, assignee: Assignee, permission: string): Promise<void> {
    const http = client.http;
    const description = await describe(http);
    try {
      if (description) {
        checkOffered(description, assignee, permission);
        // An idempotent upsert of this assignee only ("" removes): safe to repeat after a 5xx.
        await http.post(`${accessControlPath(uid)}/${SEGMENT[assignee.kind]}/${encodeURIComponent(assignee.key)}`, { permission }, { idempotent: true });
      } else {
        await writeLegacy(http, uid, assignee, permission);
      }
    } catch (error) {
      throw await explainWriteFailure(http, uid, assignee, error);
    }
  }

  async function writeLegacy(http: VendorHttpClient, uid: string, assignee: Assignee, permission: string): Promise<void> {
    const legacyPath = kind.legacyPath?.(uid);
    if (!legacyPath) throw new Error(`This Grafana has no access-control API for ${objectLabel}s.`);
    await http.withLock(`${resource}:${uid}`, async () => {
      // Fresh read inside the lock: a cached list could predate another grant's write.
      http.invalidate(legacyPath);
      const current = await http.get<LegacyItem[]>(legacyPath);
      // Keep the object's own items (and [inf] Grafana 8's built-in defaults, dashboardId -1,
      // which apply only while the object has no list of its own); inherited ones belong to folders.
      const kept = current.filter((item) => (!item.inherited || item.dashboardId === -1) && !matchesLegacy(item, assignee));
      const items = kept
        .map((item) => (item.userId ? { userId: item.userId, permission: item.permission } : item.teamId ? { teamId: item.teamId, permission: item.permission } : item.role ? { role: item.role, permission: item.permission } : undefined))
        .filter((item) => item !== undefined);
      if (permission !== '') {
        const level = LEVEL_BY_NAME[permission];
        if (assignee.kind === 'user') items.push({ userId: Number(assignee.key), permission: level });
        else if (assignee.kind === 'team') items.push({ teamId: Number(assignee.key), permission: level });
        else items.push({ role: assignee.key, permission: level });
      }
      // A whole-list replace is idempotent: repeating it after a 5xx is safe.
      await http.post(legacyPath, { items }, { idempotent: true });
    });
  }

  /** The assignee's own (not inherited) permission on the object, or undefined. */
  async function readPermission(client: GrafanaClient, uid: string, assignee: Assignee): Promise<string | undefined> {
    const http = client.http;
    const description = await describe(http);
    if (description) {
      const entries = await http.cachedGet<AccessControlEntry[]>(accessControlPath(uid));
      // Only managed grants set on this very object count: folder grants reach it as inherited
      // entries, and fixed/basic role entries are not grants at all. (Older versions lack the
      // flags: missing isManaged means managed, missing isInherited means not inherited.)
      const own = entries.find((entry) => entry.isManaged !== false && entry.isInherited !== true && matchesEntry(entry, assignee));
      return own?.permission;
    }
    const legacyPath = kind.legacyPath?.(uid);
    if (!legacyPath) return undefined;
    // Without the access-control API (Grafana 8) `inherited` is reliable; from 9 on this path is unused.
    const items = await http.cachedGet<LegacyItem[]>(legacyPath);
    const own = items.find((item) => !item.inherited && matchesLegacy(item, assignee));
    return own && (own.permissionName || NAME_BY_LEVEL[own.permission]);
  }

  const parseImport = (id: string): GrantModel => {
    const parts = id.trim().split('/');
    const [uid, assigneeKind, key] = parts;
    const problem = (detail: string) => new ImportIdError(`${detail} Expected one of "${importFormat}", e.g. "abc123/user/42", "abc123/team/7" or "abc123/role/Viewer"; got "${id}".`);
    if (parts.length !== 3 || !uid) throw problem(`The ID needs three parts separated by "/".`);
    if (assigneeKind === 'user' || assigneeKind === 'team') {
      if (!/^\d+$/.test(key) || Number(key) === 0) throw problem(`The ${assigneeKind} id must be a positive whole number.`);
      return { [objectAttribute]: uid, [ATTRIBUTE[assigneeKind]]: Number(key), id: `${uid}/${assigneeKind}/${Number(key)}` };
    }
    if (assigneeKind === 'role') {
      if (!(GRANT_ROLES as readonly string[]).includes(key)) throw problem(`The role must be one of ${GRANT_ROLES.map((role) => `"${role}"`).join(', ')}.`);
      return { [objectAttribute]: uid, role: key, id: `${uid}/role/${key}` };
    }
    throw problem(`The middle part must be "user", "team" or "role".`);
  };

  return {
    typeName: kind.typeName,
    description: kind.description,
    attributes,
    rules: [exactlyOneOf(['user_id', 'team_id', 'role'])],
    import: { format: importFormat, parse: parseImport },

    async create({ client }, planned) {
      const uid = planned[objectAttribute] as string;
      const assignee = assigneeOf(planned);
      // An assignee has at most one grant per object: one that exists (e.g. the default
      // Viewer/Editor grants of a new dashboard) is taken over and set to the declared level.
      await write(client, uid, assignee, planned.permission as string);
      return { ...planned, id: grantId(uid, assignee) };
    },

    async read({ client }, current) {
      const uid = current[objectAttribute] as string;
      const assignee = assigneeOf(current);
      const permission = await readPermission(client, uid, assignee);
      return permission === undefined ? null : { ...current, id: grantId(uid, assignee), permission };
    },

    async update({ client }, prior, planned) {
      const uid = prior[objectAttribute] as string;
      await write(client, uid, assigneeOf(prior), planned.permission as string);
      return { ...planned, id: prior.id };
    },

    async delete({ client }, current) {
      const uid = current[objectAttribute] as string;
      try {
        await write(client, uid, assigneeOf(current), '');
      } catch (error) {
        // The object (or the assignee) is gone, and the grant with it.
        if (error instanceof AttributeError && (error.attribute === objectAttribute || error.attribute === 'user_id' || error.attribute === 'team_id')) return;
        if (isVendorStatus(error, 404)) return;
        throw error;
      }
    },
  };
}

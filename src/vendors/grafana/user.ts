// biaccess_grafana_user: a global Grafana user (server-admin API, basic auth only).
import { AttributeError, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import {
  createOnce,
  forgetUsers,
  getUser,
  ignoreNotFound,
  isVendorStatus,
  known,
  listUsers,
  lookupUser,
  requireServerAdmin,
  toInteger,
  undoOnFailure,
  vendorMessage,
  type GrafanaClient,
} from './client';

const TYPE = 'biaccess_grafana_user';

interface UserModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  uid: CtyValue;
  email: string;
  login: string | null;
  name: CtyValue;
  password: string | null;
  is_admin: boolean;
}

const attributes: Attributes = {
  id: { type: 'number', computed: true, description: 'Numeric user id (use it as `user_id` elsewhere).' },
  uid: { type: 'string', computed: true, description: 'User uid (Grafana 10+; empty on older versions).' },
  email: { type: 'string', required: true, validators: [minLength(1)], description: 'Email address; unique in Grafana.' },
  login: {
    type: 'string',
    optional: true,
    validators: [minLength(1)],
    description: 'Login name; unique in Grafana. When unset the login is the email and follows it when the email changes.',
  },
  name: { type: 'string', optional: true, computed: true, description: "Display name. When unset Grafana's value is kept (Grafana cannot clear a name)." },
  password: {
    type: 'string',
    required: true,
    sensitive: true,
    validators: [minLength(4)],
    description: 'Password. Grafana never returns it: a change is applied through the admin password endpoint, and a change made outside Terraform is not detected.',
  },
  is_admin: { type: 'bool', default: false, description: 'Whether the user is a Grafana server admin.' },
};

async function setServerAdmin(client: GrafanaClient, id: number, isAdmin: boolean): Promise<void> {
  await client.http.put(`/api/admin/users/${id}/permissions`, { isGrafanaAdmin: isAdmin });
}

/** Grafana rewrites an empty login to the email, so "unset" and "equal to the email" are the same. */
function loginFor(model: UserModel): string {
  return known(model.login) ?? model.email;
}

export const user: ResourceDefinition<UserModel, GrafanaClient> = {
  typeName: TYPE,
  description: 'A Grafana user (global, across orgs). Needs basic auth of a Grafana server admin.',
  attributes,
  import: {
    format: 'id | login | email',
    async parse(id, { client }) {
      requireServerAdmin(client, TYPE);
      const key = id.trim();
      if (/^\d+$/.test(key)) {
        const byId = await getUser(client, Number(key));
        if (byId) return { id: byId.id };
      }
      // A numeric login is possible too: fall back to the lookup.
      const found = await lookupUser(client, key);
      if (!found) throw new Error(`No Grafana user has the id, login or email "${key}".`);
      return { id: found.id };
    },
  },

  async create({ client, log }, planned) {
    requireServerAdmin(client, TYPE);
    const email = planned.email;
    const login = loginFor(planned);
    const name = known(planned.name as string | null) ?? '';
    // Refuse to take over an existing user (a create must never adopt someone else's account).
    // With the login unset it is the email, and the clash is the email's.
    const keys = known(planned.login) === undefined ? ([['email', email]] as const) : ([['login', login], ['email', email]] as const);
    for (const [attribute, key] of keys) {
      const existing = await lookupUser(client, key);
      if (existing) {
        throw new AttributeError(
          attribute,
          `A Grafana user with the login or email "${key}" already exists (id ${existing.id}). Import it instead: terraform import ${TYPE}.<name> ${existing.id}`,
        );
      }
    }
    let id: number;
    try {
      id = await createOnce({
        attempt: async () => (await client.http.post<{ id: number }>('/api/admin/users', { name, email, login, password: planned.password })).id,
        // Found by login with our email: the failed attempt went through.
        findExisting: async () => {
          const found = await lookupUser(client, login);
          return found && found.email.toLowerCase() === email.toLowerCase() ? found.id : undefined;
        },
      });
    } catch (error) {
      if (isVendorStatus(error, 412)) {
        throw new AttributeError('login', `Grafana refused the user: ${vendorMessage(error)}. Import the existing user instead: terraform import ${TYPE}.<name> ${login}`);
      }
      if (isVendorStatus(error, 400) && /password/i.test(vendorMessage(error))) {
        throw new AttributeError('password', `Grafana refused the password: ${vendorMessage(error)}`);
      }
      throw error;
    } finally {
      forgetUsers(client);
    }
    // The user exists now: if finishing fails, remove it so that state (no user) matches Grafana.
    return undoOnFailure(
      async () => {
        if (planned.is_admin) await setServerAdmin(client, id, true);
        const profile = await getUser(client, id);
        return { ...planned, id, uid: profile?.uid ?? null, name: profile?.name ?? name };
      },
      () => ignoreNotFound(() => client.http.delete(`/api/admin/users/${id}`)),
      log,
    );
  },

  async read({ client }, current) {
    requireServerAdmin(client, TYPE);
    const id = toInteger(current.id, 'id');
    // One shared list read serves every user in a refresh; a user missing from it is confirmed by id.
    const hit = (await listUsers(client)).find((candidate) => candidate.id === id);
    const found = hit ? { ...hit, isGrafanaAdmin: hit.isAdmin } : await getUser(client, id);
    if (!found) return null;
    const loginIsDefault = current.login == null && found.login.toLowerCase() === found.email.toLowerCase();
    return {
      ...current,
      id: found.id,
      uid: found.uid ?? null,
      email: found.email,
      login: loginIsDefault ? null : found.login,
      name: found.name,
      is_admin: found.isGrafanaAdmin,
    };
  },

  async update({ client }, prior, planned) {
    requireServerAdmin(client, TYPE);
    const id = toInteger(prior.id, 'id');
    const login = loginFor(planned);
    const name = known(planned.name as string | null) ?? '';
    try {
      if (planned.email !== prior.email || login !== loginFor(prior) || name !== (known(prior.name as string | null) ?? '')) {
        // Always login, email and name together: an update without login renames the login to the email.
        const response = await client.http.put<{ message?: string } | undefined>(`/api/users/${id}`, { email: planned.email, login, name });
        if (/verification/i.test(response?.message ?? '')) {
          throw new AttributeError(
            'email',
            `Grafana did not change the user: it sent a verification email to ${planned.email} (verify_email_enabled) and changes the email only once the user confirms it. Apply again after that.`,
          );
        }
      }
      if (planned.password !== prior.password && planned.password !== null) {
        await client.http.put(`/api/admin/users/${id}/password`, { password: planned.password });
      }
      if (planned.is_admin !== prior.is_admin) await setServerAdmin(client, id, planned.is_admin);
    } catch (error) {
      throw await explainUpdateFailure(client, id, planned, login, error);
    } finally {
      forgetUsers(client);
    }
    return { ...planned, id: prior.id, uid: prior.uid };
  },

  async delete({ client }, current) {
    requireServerAdmin(client, TYPE);
    await ignoreNotFound(() => client.http.delete(`/api/admin/users/${toInteger(current.id, 'id')}`));
    // Deleting a user also drops its org and team memberships and permissions.
    client.http.invalidate();
  },
};

/** Login/email clashes come back as 409 or (some versions) 500; either way name the attribute. */
async function explainUpdateFailure(client: GrafanaClient, id: number, planned: UserModel, login: string, error: unknown): Promise<unknown> {
  if (error instanceof AttributeError) return error;
  if (isVendorStatus(error, 409) || isVendorStatus(error, 500)) {
    for (const [attribute, key] of [['login', login], ['email', planned.email]] as const) {
      const holder = await lookupUser(client, key).catch(() => undefined);
      if (holder && holder.id !== id) {
        return new AttributeError(attribute, `The ${attribute} "${key}" already belongs to another Grafana user (id ${holder.id}): ${vendorMessage(error)}`);
      }
    }
  }
  if (isVendorStatus(error, 400) && /password/i.test(vendorMessage(error))) {
    return new AttributeError('password', `Grafana refused the password: ${vendorMessage(error)}`);
  }
  return error;
}

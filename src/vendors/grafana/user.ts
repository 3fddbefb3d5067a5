// biaccess_grafana_user: a global Grafana user (server-admin API, basic auth only).
import { AttributeError, known, type Attributes, type ResourceDefinition } from '../../framework/definitions';
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { emailAddress, exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import { grafanaId, type GrafanaApi } from './client';

interface UserModel {
  [attribute: string]: CtyValue;
  id: CtyValue;
  uid: CtyValue;
  email: string;
  login: string | null;
  name: CtyValue;
  password: string | null;
  password_wo: string | null;
  password_wo_version: string | null;
  is_admin: boolean;
}

const attributes: Attributes = {
  id: { type: 'string', computed: true, description: 'User id (use it as `user_id` elsewhere).' },
  uid: { type: 'string', computed: true, description: 'User uid (Grafana 10+; empty on older versions).' },
  email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address; unique in Grafana.' },
  login: {
    type: 'string',
    optional: true,
    validators: [minLength(1)],
    description: 'Login name; unique in Grafana. When unset the login is the email and follows it when the email changes.',
  },
  name: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: "Display name. When unset Grafana's value is kept (Grafana cannot clear a name)." },
  password: {
    type: 'string',
    optional: true,
    sensitive: true,
    validators: [minLength(4)],
    description:
      'Password (stored in the Terraform state; prefer `password_wo`). Grafana never returns it: a change is applied through the admin password endpoint, and a change made outside Terraform is not detected. Exactly one of `password` and `password_wo`.',
  },
  password_wo: {
    type: 'string',
    optional: true,
    writeOnly: true,
    validators: [minLength(4)],
    description: 'Password, write-only (Terraform >= 1.11): never stored in the plan or the state. Used to create the user, and set again whenever `password_wo_version` changes.',
  },
  password_wo_version: {
    type: 'string',
    optional: true,
    description: 'Any value; change it to set `password_wo` again (a write-only value itself is never compared).',
  },
  is_admin: { type: 'bool', default: false, description: 'Whether the user is a Grafana server admin.' },
};

/** Grafana rewrites an empty login to the email, so "unset" and "equal to the email" are the same. */
function loginFor(model: UserModel): string {
  return known(model.login) ?? model.email;
}

export const user: ResourceDefinition<UserModel, GrafanaApi> = {
  typeName: 'biaccess_grafana_user',
  description: 'A Grafana user (global, across orgs). Needs basic auth of a Grafana server admin.',
  attributes,
  rules: [exactlyOneOf(['password', 'password_wo'])],
  import: {
    format: 'id | login | email',
    async parse(id, { client, typeName }) {
      client.requireServerAdmin(typeName);
      const key = id.trim();
      if (/^\d+$/.test(key)) {
        const byId = await client.getUser(Number(key));
        if (byId) return { id: String(byId.id) };
      }
      // A numeric login is possible too: fall back to the lookup.
      const found = await client.lookupUser(key);
      if (!found) throw new Error(`No Grafana user has the id, login or email "${key}".`);
      return { id: String(found.id) };
    },
  },

  async plan({ client, typeName }) {
    // A token can never manage global users: fail at plan, before anything else is applied.
    client.requireServerAdmin(typeName);
  },

  async create({ client, typeName, importCommand, recordPartial }, planned) {
    client.requireServerAdmin(typeName);
    const email = planned.email;
    const login = loginFor(planned);
    const name = known(planned.name as string | null) ?? '';
    // Refuse to take over an existing user (a create must never adopt someone else's account).
    // With the login unset it is the email, and the clash is the email's.
    const keys = known(planned.login) === undefined ? ([['email', email]] as const) : ([['login', login], ['email', email]] as const);
    for (const [attribute, key] of keys) {
      const existing = await client.lookupUser(key);
      if (existing) {
        throw new AttributeError(attribute, `A Grafana user with the login or email "${key}" already exists (id ${existing.id}). Import it instead: ${importCommand(String(existing.id))}`);
      }
    }
    let id: number;
    try {
      id = await client.createUser({ name, email, login, password: planned.password ?? planned.password_wo ?? '' });
    } catch (error) {
      if (isVendorStatus(error, 412)) {
        throw new AttributeError('login', `Grafana refused the user: ${vendorMessageOf(error)}. Import the existing user instead: ${importCommand(login)}`);
      }
      if (isVendorStatus(error, 400) && /password/i.test(vendorMessageOf(error))) {
        throw new AttributeError('password', `Grafana refused the password: ${vendorMessageOf(error)}`);
      }
      throw error;
    }
    // The user exists from here on: if a later step fails, Terraform keeps it (tainted) in state,
    // as Grafana then has it.
    recordPartial({ id: String(id), name, is_admin: false });
    try {
      if (planned.is_admin) await client.setServerAdmin(id, true);
    } catch (error) {
      const profile = await client.getUser(id).catch(() => undefined);
      if (profile) recordPartial({ uid: profile.uid ?? null, name: profile.name, is_admin: profile.isGrafanaAdmin });
      throw error;
    }
    const profile = await client.getUser(id);
    return { ...planned, id: String(id), uid: profile?.uid ?? null, name: profile?.name ?? name };
  },

  async read({ client, typeName }, current) {
    client.requireServerAdmin(typeName);
    const id = grafanaId(current.id, 'id');
    // One shared list read serves every user in a refresh; a user missing from it is confirmed by id.
    const hit = (await client.listUsers()).find((candidate) => candidate.id === id);
    const found = hit ? { ...hit, isGrafanaAdmin: hit.isAdmin } : await client.getUser(id);
    if (!found) return null;
    const loginIsDefault = current.login == null && found.login.toLowerCase() === found.email.toLowerCase();
    return {
      ...current,
      id: String(found.id),
      uid: found.uid ?? null,
      email: found.email,
      login: loginIsDefault ? null : found.login,
      name: found.name,
      is_admin: found.isGrafanaAdmin,
    };
  },

  async update({ client, typeName, recordPartial }, prior, planned) {
    client.requireServerAdmin(typeName);
    const id = grafanaId(prior.id, 'id');
    const login = loginFor(planned);
    const name = known(planned.name as string | null) ?? '';
    try {
      if (planned.email !== prior.email || login !== loginFor(prior) || name !== (known(prior.name as string | null) ?? '')) {
        const answer = await client.updateUser(id, { email: planned.email, login, name });
        if (/verification/i.test(answer)) {
          throw new AttributeError(
            'email',
            `Grafana did not change the user: it sent a verification email to ${planned.email} (verify_email_enabled) and changes the email only once the user confirms it. Apply again after that.`,
          );
        }
        recordPartial({ email: planned.email, login: planned.login, name: planned.name });
      }
      if (planned.password !== prior.password && planned.password !== null) {
        await client.setPassword(id, planned.password);
        recordPartial({ password: planned.password });
      }
      if (planned.password_wo != null && (planned.password_wo_version !== prior.password_wo_version || prior.password != null)) {
        await client.setPassword(id, planned.password_wo);
        recordPartial({ password: null, password_wo_version: planned.password_wo_version });
      }
      if (planned.is_admin !== prior.is_admin) await client.setServerAdmin(id, planned.is_admin);
    } catch (error) {
      throw await explainUpdateFailure(client, id, planned, login, error);
    }
    return { ...planned, id: prior.id, uid: prior.uid };
  },

  async delete({ client, typeName }, current) {
    client.requireServerAdmin(typeName);
    await client.deleteUser(grafanaId(current.id, 'id'));
  },
};

/** Login/email clashes come back as 409 or (some versions) 500; either way name the attribute. */
async function explainUpdateFailure(client: GrafanaApi, id: number, planned: UserModel, login: string, error: unknown): Promise<unknown> {
  if (error instanceof AttributeError) return error;
  if (isVendorStatus(error, 409, 500)) {
    for (const [attribute, key] of [['login', login], ['email', planned.email]] as const) {
      const holder = await client.lookupUser(key).catch(() => undefined);
      if (holder && holder.id !== id) {
        return new AttributeError(attribute, `The ${attribute} "${key}" already belongs to another Grafana user (id ${holder.id}): ${vendorMessageOf(error)}`);
      }
    }
  }
  if (isVendorStatus(error, 400) && /password/i.test(vendorMessageOf(error))) {
    return new AttributeError('password', `Grafana refused the password: ${vendorMessageOf(error)}`);
  }
  return error;
}

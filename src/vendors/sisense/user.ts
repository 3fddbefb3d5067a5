// biaccess_sisense_user: a Sisense user with one role. Group memberships belong to
// biaccess_sisense_group_member resources: an update never sends `groups` (it would replace them).
import { AttributeError, ImportIdError, known, type ResourceDefinition } from '../../framework/definitions';
import { VendorApiError } from '../../framework/http';
import { atMostOneOf, emailAddress, minLength } from '../../framework/validators';
import { SISENSE_ID, type SisenseApi, type SisenseRole, type SisenseUser } from './client';

export interface UserModel {
  id: string;
  email: string;
  user_name: string | null;
  first_name: string | null;
  last_name: string | null;
  role: string;
  password: string | null;
  password_wo: string | null;
  password_wo_version: string | null;
  active: boolean;
}


export const user: ResourceDefinition<UserModel, SisenseApi> = {
  typeName: 'biaccess_sisense_user',
  description:
    'A Sisense user with its role. Email, user name, names, role and password change in place; destroying the resource deletes the user. ' +
    'Group memberships are separate resources (biaccess_sisense_group_member); this resource never changes them.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Sisense user id (`_id`).' },
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address; unique in Sisense, compared ignoring case. Changes in place.' },
    user_name: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Login name; Sisense makes it the email when unset. Changes in place.' },
    first_name: { type: 'string', optional: true, validators: [minLength(1)], description: 'First name.' },
    last_name: { type: 'string', optional: true, validators: [minLength(1)], description: 'Last name.' },
    role: {
      type: 'string',
      default: 'consumer',
      description:
        'The user\'s role, by API name (`consumer`, `contributor`, `dataDesigner`, `dataAdmin`, `admin`, `super`) or by the name the UI shows (`Viewer`, `Designer`, …), ignoring case. ' +
        'Kept as written: `Viewer` and `consumer` are the same role and no change.',
    },
    password: {
      type: 'string',
      optional: true,
      sensitive: true,
      validators: [minLength(1)],
      description: 'Password (a user without one is inactive until invited), stored in the Terraform state: prefer `password_wo`. Sisense never returns it: a change outside Terraform is not detected.',
    },
    password_wo: {
      type: 'string',
      optional: true,
      writeOnly: true,
      validators: [minLength(1)],
      description: 'Password, write-only (Terraform >= 1.11): never stored in the plan or the state. Used to create the user, and set again whenever `password_wo_version` changes.',
    },
    password_wo_version: { type: 'string', optional: true, description: 'Any value; change it to set `password_wo` again (a write-only value itself is never compared).' },
    active: { type: 'bool', computed: true, recomputed: true, description: 'Whether the user can log in (false until a password is set or the invitation is accepted).' },
  },
  rules: [atMostOneOf(['password', 'password_wo'])],
  import: {
    format: 'id | email',
    async parse(id, { client }) {
      const value = id.trim();
      if (SISENSE_ID.pattern.test(value)) return { id: value };
      if (emailAddress.check(value) === undefined) {
        const found = await client.findUserByEmail(value);
        if (!found) throw new Error(`Sisense has no user with email "${value}".`);
        return { id: found._id };
      }
      throw new ImportIdError(`Expected a Sisense user id (24 hex digits) or an email address, got "${id}".`);
    },
  },

  async plan({ client, importCommand }, { prior, planned }) {
    if (!planned) return;
    const role = known(planned.role);
    if (role !== undefined && role !== prior?.role) await resolveRole(client, role);
    const email = known(planned.email);
    const emailChanged = email !== undefined && email.toLowerCase() !== prior?.email.toLowerCase();
    if (emailChanged && emailAddress.check(email) === undefined) await assertEmailFree(client, email, importCommand, prior?.id, { shared: true });
  },

  async create({ client, importCommand }, planned) {
    // Checked again here: another run may have taken the email since the plan.
    await assertEmailFree(client, planned.email, importCommand);
    const role = await resolveRole(client, planned.role);
    const created = await mapTakenErrors(client, planned.email, importCommand, () =>
      client.createUser({
        email: planned.email,
        userName: planned.user_name ?? planned.email,
        firstName: planned.first_name ?? undefined,
        lastName: planned.last_name ?? undefined,
        roleId: role._id,
        password: planned.password ?? planned.password_wo ?? undefined,
      }),
    );
    return toModel(created, planned, role);
  },

  async read({ client }, current) {
    const found = await client.getUser(current.id);
    return found ? toModel(found, current, await client.roleById(found.roleId)) : null;
  },

  async update({ client, importCommand }, prior, planned) {
    const changes: Parameters<SisenseApi['updateUser']>[1] = {};
    if (planned.email !== prior.email) changes.email = planned.email;
    if (planned.user_name !== null && planned.user_name !== prior.user_name) changes.userName = planned.user_name;
    if (planned.first_name !== prior.first_name) changes.firstName = planned.first_name;
    if (planned.last_name !== prior.last_name) changes.lastName = planned.last_name;
    let role: SisenseRole | undefined;
    if (planned.role !== prior.role) {
      role = await resolveRole(client, planned.role);
      changes.roleId = role._id;
    }
    if (planned.password !== null && planned.password !== prior.password) changes.password = planned.password;
    if (planned.password_wo != null && (planned.password_wo_version !== prior.password_wo_version || prior.password != null)) changes.password = planned.password_wo;
    const updated = Object.keys(changes).length > 0 ? await mapTakenErrors(client, planned.email, importCommand, () => client.updateUser(prior.id, changes)) : await client.getUser(prior.id, { fresh: true });
    if (!updated) throw new Error(`Sisense user ${prior.id} was deleted during the update; apply again to create it.`);
    return { ...toModel(updated, planned, role ?? (await client.roleById(updated.roleId))), id: prior.id };
  },

  async delete({ client }, current) {
    await client.deleteUser(current.id);
  },
};

/** A role by name or display name; an unknown one lists the server's roles. */
async function resolveRole(client: SisenseApi, wanted: string): Promise<SisenseRole> {
  const role = await client.findRole(wanted);
  if (role) return role;
  const roles = (await client.listRoles()).map((candidate) => (candidate.displayName ? `"${candidate.name}" (${candidate.displayName})` : `"${candidate.name}"`));
  throw new AttributeError('role', `Sisense has no role "${wanted}". Its roles: ${roles.join(', ')}. Use the name or the name in parentheses.`);
}

/** One user per email (Sisense compares emails ignoring case); an existing one is imported, not created. */
async function assertEmailFree(client: SisenseApi, email: string, importCommand: (id: string) => string, exceptId?: string | null, options: { shared?: boolean } = {}): Promise<void> {
  const found = await client.findUserByEmail(email, options);
  if (!found || found._id === exceptId) return;
  throw new AttributeError(
    'email',
    `A Sisense user with email "${found.email}" already exists (id ${found._id}). To manage that user, import it: ${importCommand(found._id)}`,
  );
}

/**
 * Sisense refuses a taken email or user name with 400, 409 or 422 depending on the version, and
 * its message text is not reliable: a refused write is checked against the users instead.
 */
async function mapTakenErrors<T>(client: SisenseApi, email: string, importCommand: (id: string) => string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VendorApiError && error.hasStatus(400, 409, 422)) {
      const holder = await client.findUserByEmail(email);
      if (holder) throw new AttributeError('email', `${error.message}\n\nSisense user ${holder._id} has email "${holder.email}". To manage that user, import it: ${importCommand(holder._id)}`);
      throw new AttributeError('user_name', `${error.message}\n\nThe email is free, so the user name is probably taken by another Sisense user: set user_name to one nobody has.`);
    }
    throw error;
  }
}

function toModel(found: SisenseUser, known: Partial<UserModel>, role: SisenseRole | undefined): UserModel {
  // The configured spelling stands when only case differs (emails are compared ignoring case).
  const email = known.email && known.email.toLowerCase() === found.email.toLowerCase() ? known.email : found.email;
  // The role as written while it names the user's role (by name or display name), else its API name.
  const written = known.role;
  const sameRole = role !== undefined && typeof written === 'string' && [role.name, role.displayName].some((name) => name?.toLowerCase() === written.toLowerCase());
  return {
    id: found._id,
    email,
    user_name: found.userName,
    first_name: emptyAsNull(found.firstName),
    last_name: emptyAsNull(found.lastName),
    role: sameRole ? (written as string) : (role?.name ?? found.roleId),
    password: known.password ?? null, // never returned
    password_wo: null,
    password_wo_version: known.password_wo_version ?? null,
    active: found.active === true,
  };
}

function emptyAsNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

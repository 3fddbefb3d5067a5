// biaccess_periscope_user: a Periscope user (created by invitation). The user's roles belong to
// biaccess_periscope_role_member resources: a create gives the user none beyond Everyone, which
// every user has, and an update never sends them.
import { AttributeError, ImportIdError, known, type ResourceDefinition } from '../../framework/definitions';
import { isVendorStatus, vendorMessageOf } from '../../framework/http';
import { emailAddress, minLength } from '../../framework/validators';
import { PERISCOPE_ID, type PeriscopeApi, type PeriscopeUser } from './client';

export interface UserModel {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
}


export const user: ResourceDefinition<UserModel, PeriscopeApi> = {
  typeName: 'biaccess_periscope_user',
  description:
    'A Periscope user; creating it invites the person (the provider\'s `admin_email` is the inviter). Names change in place; a new email replaces the user. ' +
    'The user\'s roles are declared with biaccess_periscope_role_member (every user is also in the default role Everyone). ' +
    'Periscope stores emails lower-cased, so the case of the configured email never shows as a change. Destroying it deletes the user (the site refuses to delete its last admin).',
  attributes: {
    id: { type: 'string', computed: true, description: 'Periscope user id.' },
    // Replacement is asked for by `plan`, not by forceNew: a change of case only (the site stores
    // emails lower-cased, an import may spell it otherwise) is no new user.
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address (the login). Changing it other than in case replaces the user; case is ignored.' },
    first_name: { type: 'string', required: true, validators: [minLength(1)], description: 'First name. Changes in place.' },
    last_name: { type: 'string', required: true, validators: [minLength(1)], description: 'Last name. Changes in place.' },
  },
  import: {
    format: 'id | email',
    async parse(id, { client }) {
      const value = id.trim();
      if (value.includes('@')) {
        const found = await client.findUserByEmail(value, { fresh: true });
        if (!found) throw new Error(`Periscope has no user with email "${value}".`);
        return { id: found.id, email: value };
      }
      if (!PERISCOPE_ID.pattern.test(value)) throw new ImportIdError(`Expected a Periscope user id or an email address, got "${id}".`);
      return { id: value };
    },
  },

  async plan({ client, importCommand, requireReplace }, { prior, planned }) {
    const email = known(planned?.email);
    if (prior !== null && email !== undefined && email.toLowerCase() !== prior.email.toLowerCase()) requireReplace('email');
    // A new user whose email is taken fails now, before anything else of the plan is applied.
    if (prior === null && email !== undefined && emailAddress.check(email) === undefined) await assertEmailFree(client, email, importCommand, false);
  },

  async create({ client, importCommand }, planned) {
    // Checked again here: another run may have taken the email since the plan.
    await assertEmailFree(client, planned.email, importCommand, true);
    try {
      const created = await client.createUser({ email: planned.email, first_name: planned.first_name, last_name: planned.last_name });
      return toModel(created, planned);
    } catch (error) {
      if (isVendorStatus(error, 409, 422) && /email/i.test(vendorMessageOf(error))) {
        throw new AttributeError('email', `${(error as Error).message}. If a user with this email exists, import it: ${importCommand(planned.email)}`);
      }
      throw error;
    }
  },

  async read({ client }, current) {
    const found = await client.findUser(current.id);
    return found ? toModel(found, current) : null;
  },

  async update({ client }, prior, planned) {
    // Under the user's lock: a membership write of the same user reads and writes the user too.
    // Only the names change in place (an email differing in case only is the same email).
    if (planned.first_name !== prior.first_name || planned.last_name !== prior.last_name) {
      await client.withUserLock(prior.id, () => client.updateUserNames(prior.id, { first_name: planned.first_name, last_name: planned.last_name }));
    }
    return { ...planned, id: prior.id };
  },

  async delete({ client }, current) {
    await client.withUserLock(current.id, async () => {
      if (!(await client.getUser(current.id))) return;
      await client.deleteUser(current.id);
    });
  },
};

/** One user per email: an existing one is imported, not created. */
async function assertEmailFree(client: PeriscopeApi, email: string, importCommand: (id: string) => string, fresh: boolean): Promise<void> {
  const found = await client.findUserByEmail(email, { fresh });
  if (!found) return;
  throw new AttributeError(
    'email',
    `A Periscope user with email "${found.email}" already exists (id ${found.id}). To manage that user, import it: ${importCommand(found.email)}`,
  );
}

function toModel(found: PeriscopeUser, known: Partial<UserModel>): UserModel {
  // Periscope lower-cases emails: the configured spelling stands when only case differs.
  const email = known.email && known.email.toLowerCase() === found.email.toLowerCase() ? known.email : found.email;
  return { id: found.id, email, first_name: found.first_name, last_name: found.last_name };
}

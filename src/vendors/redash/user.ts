// biaccess_redash_user: a Redash user (an invitation until the person activates the account).
import { AttributeError, ImportIdError, known, type ResourceDefinition } from '../../framework/definitions';
import { VendorApiError } from '../../framework/http';
import { emailAddress, minLength } from '../../framework/validators';
import { parseId, type ListedUser, type RedashApi, type RedashUser } from './client';

export interface UserModel {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
  send_invite: boolean;
  pending_invitation: boolean;
}


export const user: ResourceDefinition<UserModel, RedashApi> = {
  typeName: 'biaccess_redash_user',
  description:
    'A Redash user. Creating it invites the person (Redash puts every new user in the built-in `default` group). ' +
    'Redash cannot delete a user who has activated the account: destroying this resource deletes a pending invitation, ' +
    'but disables an active user (re-enable it by importing it and applying with `disabled = false`). ' +
    'A user disabled by hand shows as drift and is enabled again by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: 'Redash user id.' },
    email: { type: 'string', required: true, validators: [emailAddress], description: 'Email address (the login). Changes in place; compared ignoring case, since Redash lower-cases it at creation.' },
    name: { type: 'string', required: true, validators: [minLength(1)], description: 'Display name. Changes in place.' },
    disabled: { type: 'bool', default: false, description: 'Whether the user is disabled (cannot log in; API key refused).' },
    send_invite: {
      type: 'bool',
      default: false,
      description: 'Whether Redash e-mails the invitation when the user is created (otherwise the invite link is only shown to admins). Setting it to true later re-sends the invitation while it is pending.',
    },
    pending_invitation: { type: 'bool', computed: true, description: 'True until the person accepts the invitation.' },
  },
  import: {
    format: 'id | email',
    async parse(id, { client }) {
      const value = id.trim();
      if (/^[1-9]\d*$/.test(value)) return { id: value };
      const isEmail = emailAddress.check(value) === undefined;
      if (isEmail) {
        const found = await client.findUsersByEmail(value);
        if (found.length === 0) throw new Error(`Redash has no user with email "${value}" (disabled users included).`);
        return { id: String(found[0].id), email: value };
      }
      throw new ImportIdError(`Expected a numeric Redash user id or an email address, got "${id}".`);
    },
  },

  async plan({ client, importCommand }, { prior, planned }) {
    // A new user whose email is taken fails now, before anything else of the plan is applied.
    const email = known(planned?.email);
    if (prior === null && email !== undefined && emailAddress.check(email) === undefined) await assertEmailFree(client, email, importCommand, { shared: true });
  },

  async create({ client, importCommand, recordPartial }, planned) {
    // Checked again here: another run may have taken the email since the plan.
    await assertEmailFree(client, planned.email, importCommand);
    const created = await mapEmailErrors(() => client.createUser(planned.name, planned.email, planned.send_invite));
    recordPartial(toModel(created, planned, false));
    if (planned.disabled) await client.setUserDisabled(created.id, true);
    return toModel(created, planned, planned.disabled);
  },

  async read({ client }, current) {
    const found = await client.findUser(parseId(current.id, 'id'));
    return found ? toModel(found, current, found.is_disabled) : null;
  },

  async update({ client, recordPartial }, prior, planned) {
    const id = parseId(prior.id, 'id');
    // The row is written whole by some Redash code paths: keep it apart from membership writes.
    return client.withUserLock(id, async () => {
      if (prior.disabled && !planned.disabled) {
        await client.setUserDisabled(id, false);
        recordPartial({ disabled: false });
      }
      const changes: { name?: string; email?: string } = {};
      if (planned.name !== prior.name) changes.name = planned.name;
      if (planned.email.toLowerCase() !== prior.email.toLowerCase()) changes.email = planned.email;
      let latest: RedashUser | undefined;
      if (Object.keys(changes).length > 0) {
        latest = await mapEmailErrors(() => client.updateUser(id, changes));
        recordPartial({ name: planned.name, email: planned.email });
      }
      if (planned.send_invite && !prior.send_invite && (latest?.is_invitation_pending ?? prior.pending_invitation)) await client.sendInvitation(id);
      if (!prior.disabled && planned.disabled) await client.setUserDisabled(id, true);
      return { ...planned, id: prior.id, pending_invitation: latest?.is_invitation_pending ?? prior.pending_invitation };
    });
  },

  async delete({ client }, current) {
    const id = parseId(current.id, 'id');
    await client.withUserLock(id, async () => {
      const found = await client.getUser(id);
      if (!found) return;
      if (found.is_invitation_pending) {
        try {
          await client.deleteUser(id);
          return;
        } catch (error) {
          // The invitation was accepted since the read: Redash refuses with 403, disable instead.
          if (!(error instanceof VendorApiError && error.status === 403)) throw error;
        }
      }
      if (!found.is_disabled) await client.setUserDisabled(id, true);
    });
  },
};

/** Redash allows one user per email, disabled ones included; an existing one is imported, not created. */
async function assertEmailFree(client: RedashApi, email: string, importCommand: (id: string) => string, options: { shared?: boolean } = {}): Promise<void> {
  const [found] = await client.findUsersByEmail(email, options);
  if (!found) return;
  throw new AttributeError(
    'email',
    `A Redash user with email "${found.email}" already exists (id ${found.id}${found.is_disabled ? ', disabled' : ''}). ` +
      `Redash allows one user per email, disabled ones included. To manage that user, import it: ${importCommand(found.email)}`,
  );
}

function toModel(found: RedashUser | ListedUser, known: Partial<UserModel>, disabled: boolean): UserModel {
  // Redash lower-cases the email at creation: the configured spelling stands when only case differs.
  const email = known.email && known.email.toLowerCase() === found.email.toLowerCase() ? known.email : found.email;
  return {
    id: String(found.id),
    email,
    name: found.name,
    disabled,
    send_invite: known.send_invite ?? false, // not readable: a creation-time choice
    pending_invitation: found.is_invitation_pending === true,
  };
}

/** Redash's email answers point at the email attribute. */
async function mapEmailErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VendorApiError && error.status === 400 && /email/i.test(error.vendorMessage ?? '')) {
      const taken = /taken/i.test(error.vendorMessage ?? '');
      throw new AttributeError('email', `${error.message}${taken ? '. Another Redash user (maybe a disabled one) has this email; import that user instead, or choose another email.' : ''}`);
    }
    throw error;
  }
}

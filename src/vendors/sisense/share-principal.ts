// The plan-time check both Sisense share resources make of whom they share with: Sisense stores
// an entry for an id it does not know, so an unknown user or group would fail silently.
import { AttributeError, known } from '../../framework/definitions';
import { SISENSE_ID, type SisenseApi } from './client';

/** Fails the plan for an unknown user_id or group_id; returns the user id when one is planned. */
export async function checkPrincipal(client: SisenseApi, planned: { user_id: string | null; group_id: string | null }): Promise<string | undefined> {
  const userId = known(planned.user_id);
  if (userId !== undefined && SISENSE_ID.pattern.test(userId) && !(await client.getUser(userId))) {
    throw new AttributeError('user_id', `Sisense has no user with id ${userId}.`);
  }
  const groupId = known(planned.group_id);
  if (groupId !== undefined && SISENSE_ID.pattern.test(groupId) && !(await client.getGroup(groupId))) {
    throw new AttributeError('group_id', `Sisense has no group with id ${groupId}. Use the id of a biaccess_sisense_group resource or of data "biaccess_sisense_group".`);
  }
  return userId;
}

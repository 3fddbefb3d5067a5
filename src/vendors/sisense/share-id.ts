// The id of a share on a Sisense object: `<object id>/user/<user id>` or `<object id>/group/<group id>`,
// so that one id says which of `user_id` and `group_id` the share names.
import type { ResourceId } from '../../access/resources';
import { ImportIdError } from '../../framework/definitions';
import { SISENSE_ID, type DATA_MODEL_ID } from './client';

export function shareId(objectAttribute: string, objectShape: typeof DATA_MODEL_ID | typeof SISENSE_ID): ResourceId {
  const format = `${objectAttribute}/user/<user_id> | ${objectAttribute}/group/<group_id>`;
  return {
    format,
    make(model) {
      const values = model as Record<string, unknown>;
      const userId = values.user_id;
      const [kind, id] = userId !== null && userId !== undefined && userId !== '' ? ['user', userId] : ['group', values.group_id];
      return `${String(values[objectAttribute])}/${kind}/${String(id)}`;
    },
    split(id) {
      const parts = id.trim().split('/');
      if (parts.length !== 3 || !objectShape.pattern.test(parts[0]) || (parts[1] !== 'user' && parts[1] !== 'group') || !SISENSE_ID.pattern.test(parts[2])) {
        throw new ImportIdError(
          `Expected an import ID of the form "${format}", where ${objectAttribute} is ${objectShape.description} and the last part a Sisense id of 24 hex digits ` +
            `(e.g. "${objectShape.example}/group/${SISENSE_ID.example}"), got "${id}".`,
        );
      }
      return { [objectAttribute]: parts[0], [`${parts[1]}_id`]: parts[2] };
    },
  };
}

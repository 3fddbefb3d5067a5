// data biaccess_grafana_user: a user by email or login.
import { known, type DataSourceDefinition } from '../../framework/definitions';
import { exactlyOneOf, minLength } from '../../framework/validators';
import type { CtyValue } from '../../protocol/values';
import type { GrafanaApi } from './client';

export const userLookup: DataSourceDefinition<Record<string, CtyValue>, GrafanaApi> = {
  typeName: 'biaccess_grafana_user',
  description:
    'Looks a Grafana user up by email or login. With basic auth of a server admin any user is found; with a service-account token only members of its org.',
  attributes: {
    email: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Email to look up (or the found user\'s email).' },
    login: { type: 'string', optional: true, computed: true, validators: [minLength(1)], description: 'Login to look up (or the found user\'s login).' },
    id: { type: 'string', computed: true, description: 'User id.' },
    uid: { type: 'string', computed: true, description: 'User uid (Grafana 10+).' },
    name: { type: 'string', computed: true, description: 'Display name.' },
  },
  rules: [exactlyOneOf(['email', 'login'])],
  async read({ client }, config) {
    const email = known(config.email) as string | undefined;
    const login = known(config.login) as string | undefined;
    const field = email !== undefined ? 'email' : 'login';
    const wanted = (email ?? login ?? '').toLowerCase();
    const matches = (candidate: { email: string; login: string }) => candidate[field].toLowerCase() === wanted;
    if (client.authKind === 'basic') {
      // The lookup matches login or email; keep only a match on the field asked for.
      const found = await client.lookupUser(wanted);
      const profile = found && matches(found) ? await client.getUser(found.id) : undefined;
      if (!profile) throw new Error(`Grafana has no user with ${field} "${email ?? login}".`);
      return { email: profile.email, login: profile.login, id: String(profile.id), uid: profile.uid ?? null, name: profile.name };
    }
    // A token cannot use the global user API: search the members of its org.
    const member = (await client.searchOrgUsers(wanted)).find(matches);
    if (!member) throw new Error(`The token's org has no member with ${field} "${email ?? login}" (a service-account token only sees its own org).`);
    return { email: member.email, login: member.login, id: String(member.userId), uid: member.uid ?? null, name: member.name };
  },
};

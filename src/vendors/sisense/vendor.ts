// Sisense (Linux / Fusion): provider block, API client, resources and data sources.
import type { Attributes } from '../../framework/definitions';
import { VendorConfigError } from '../../framework/definitions';
import { baseUrlSetting } from '../../framework/config';
import type { Vendor } from '../vendor';
import { sisenseAccess } from './access';
import { SisenseApi, type SisenseConnection } from './client';
import { dashboardShare } from './dashboard-share';
import { dashboardLookup } from './data-dashboard';
import { dataModelLookup } from './data-data-model';
import { dataModelShare } from './data-model-share';
import { groupLookup } from './data-group';
import { userLookup } from './data-user';
import { group } from './group';
import { groupMember } from './group-member';
import { user } from './user';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'SISENSE_URL', description: 'Base URL of the Sisense server, e.g. https://sisense.example.com.' },
  token: {
    type: 'string',
    optional: true,
    sensitive: true,
    env: 'SISENSE_TOKEN',
    description: 'API token of a Sisense admin (Admin → REST API), sent as `Authorization: Bearer`. Set either this or username and password (when the environment has both, the token is used).',
  },
  username: { type: 'string', optional: true, env: 'SISENSE_USERNAME', description: 'User name or email of a Sisense admin: the provider logs in once per run and reuses the token (logging in again once when it expires).' },
  password: { type: 'string', optional: true, sensitive: true, env: 'SISENSE_PASSWORD', description: 'Password of that admin (with username).' },
};

export const sisense: Vendor<SisenseApi> = {
  name: 'sisense',
  description: 'Sisense connection: `url`, and either `token` or `username` and `password`.',
  config,
  alternativeSettings: [['token'], ['username', 'password']],
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('sisense', settings, config.url);
    return new SisenseApi({ baseUrl, credentials: credentials(settings), log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  access: sisenseAccess,
  principalResources: { user: { typeName: 'biaccess_sisense_user' }, group: { typeName: 'biaccess_sisense_group' } },
  emulator: () => import('./emulator-module').then((module) => module.sisenseEmulator),
  resources: [user, group, groupMember, dashboardShare, dataModelShare],
  dataSources: [userLookup, groupLookup, dashboardLookup, dataModelLookup],
};

/**
 * A token, or a user name and password. A block that sets either takes no environment value of the
 * other (alternativeSettings); when only the environment has both, the token is used.
 */
function credentials(settings: Record<string, unknown>): SisenseConnection['credentials'] {
  const value = (name: string) => (typeof settings[name] === 'string' && settings[name] !== '' ? (settings[name] as string) : undefined);
  const token = value('token');
  const username = value('username');
  const password = value('password');
  if (token !== undefined) return { token };
  if (username !== undefined && password !== undefined) return { username, password };
  if (username !== undefined) throw new VendorConfigError('password', 'sisense.password is not set: set it in the provider\'s "sisense" block or the environment variable SISENSE_PASSWORD (with sisense.username).');
  if (password !== undefined) throw new VendorConfigError('username', 'sisense.username is not set: set it in the provider\'s "sisense" block or the environment variable SISENSE_USERNAME (with sisense.password).');
  throw new VendorConfigError('token', 'sisense.token is not set: set it (or SISENSE_TOKEN), or sisense.username and sisense.password (SISENSE_USERNAME, SISENSE_PASSWORD).');
}

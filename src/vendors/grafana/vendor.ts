// Grafana: provider block, API client, resources and data sources.
import type { Attributes } from '../../framework/definitions';
import { VendorConfigError } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import type { Vendor } from '../vendor';
import { grafanaAccess } from './access';
import { GrafanaApi } from './client';
import { dashboardPermission } from './dashboard-permission';
import { dataSourcePermission } from './data-source-permission';
import { dashboardLookup } from './data-dashboard';
import { dataSourceLookup } from './data-data-source';
import { folderLookup } from './data-folder';
import { teamLookup } from './data-team';
import { userLookup } from './data-user';
import { folderPermission } from './folder-permission';
import { orgMember } from './org-member';
import { team } from './team';
import { teamMember } from './team-member';
import { user } from './user';


const config: Attributes = {
  url: { type: 'string', optional: true, env: 'GRAFANA_URL', description: 'Base URL of the Grafana server, e.g. https://grafana.example.com.' },
  auth: { type: 'string', optional: true, sensitive: true, env: 'GRAFANA_AUTH', description: '`user:password` for basic auth (needed for server-admin resources such as users), anything else is a service-account token.' },
  org_id: { type: 'string', optional: true, env: 'GRAFANA_ORG_ID', description: 'Id of the organization to act in (sent as X-Grafana-Org-Id); defaults to the credentials\' current org.' },
};

/**
 * `user:password` is basic auth and anything else a token; a short value without a colon is
 * neither a service-account token (glsa_…) nor an API key (long base64), but a user name whose
 * password was left out, and would otherwise be sent as a token and refused as one.
 */
function checkAuth(auth: string): void {
  const colon = auth.indexOf(':');
  if (colon === 0) throw new VendorConfigError('auth', 'grafana.auth (GRAFANA_AUTH) starts with ":": for basic auth write "user:password".');
  if (colon > 0 && colon === auth.length - 1) throw new VendorConfigError('auth', `grafana.auth (GRAFANA_AUTH) has no password after "${auth.slice(0, colon)}:": write "user:password".`);
  if (colon === -1 && !auth.startsWith('glsa_') && auth.length < 20) {
    throw new VendorConfigError('auth', 'grafana.auth (GRAFANA_AUTH) looks like a user name without a password: write "user:password" for basic auth, or give a service-account token (glsa_…).');
  }
}

export const grafana: Vendor<GrafanaApi> = {
  name: 'grafana',
  description: 'Grafana connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('grafana', settings, config.url);
    const auth = requiredSetting('grafana', settings, 'auth', config.auth);
    checkAuth(auth);
    const orgId = settings.org_id == null ? undefined : Number(String(settings.org_id));
    if (orgId !== undefined && !(Number.isInteger(orgId) && orgId > 0)) {
      throw new VendorConfigError('org_id', 'grafana.org_id must be a positive whole number');
    }
    return new GrafanaApi({ baseUrl, auth, orgId, log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  access: grafanaAccess,
  principalResources: {
    // A user's access in Grafana is their org role; the user resource also holds a password
    // Grafana never returns, which no generated configuration could hold.
    user: { typeName: 'biaccess_grafana_org_member', importId: async (principal, api) => `${await api.currentOrgId()}/${principal.id}` },
    group: { typeName: 'biaccess_grafana_team' },
  },
  emulator: () => import('./emulator-module').then((module) => module.grafanaEmulator),
  resources: [user, orgMember, team, teamMember, dashboardPermission, folderPermission, dataSourcePermission],
  dataSources: [userLookup, teamLookup, dashboardLookup, folderLookup, dataSourceLookup],
};

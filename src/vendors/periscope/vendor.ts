// Periscope Data / Sisense for Cloud Data Teams (RBAC sites): provider block, API client,
// resources and data sources.
import type { Attributes } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import type { Vendor } from '../vendor';
import { periscopeAccess } from './access';
import { PeriscopeApi } from './client';
import { dashboardPermission } from './dashboard-permission';
import { dashboardLookup } from './data-dashboard';
import { roleLookup } from './data-role';
import { userLookup } from './data-user';
import { role } from './role';
import { roleMember } from './role-member';
import { user } from './user';

const config: Attributes = {
  // The docs name app.periscopedata.com, every example uses api.periscopedata.com; both serve /api/v1.
  url: { type: 'string', optional: true, env: 'PERISCOPE_URL', description: 'API base URL, e.g. https://api.periscopedata.com.' },
  site: { type: 'string', optional: true, env: 'PERISCOPE_SITE', description: 'Site name (the path segment in dashboard URLs, /app/<site>/…).' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'PERISCOPE_API_KEY', description: "The site's API key (Settings → Billing and Authentication)." },
  admin_email: {
    type: 'string',
    optional: true,
    env: 'PERISCOPE_ADMIN_EMAIL',
    description: 'Email of an existing site admin, sent as the inviter or author of every change (`invited_by_email`, `created_by_email`, `updated_by_email`). Needed for writes only.',
  },
};

export const periscope: Vendor<PeriscopeApi> = {
  name: 'periscope',
  description: 'Periscope Data (Sisense for Cloud Data Teams) connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('periscope', settings, config.url);
    const site = requiredSetting('periscope', settings, 'site', config.site);
    const apiKey = requiredSetting('periscope', settings, 'api_key', config.api_key);
    const adminEmail = typeof settings.admin_email === 'string' && settings.admin_email !== '' ? settings.admin_email : undefined;
    return new PeriscopeApi({ baseUrl, site, apiKey, adminEmail, log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  access: periscopeAccess,
  principalResources: { user: { typeName: 'biaccess_periscope_user' }, group: { typeName: 'biaccess_periscope_role' } },
  emulator: () => import('./emulator-module').then((module) => module.periscopeEmulator),
  resources: [user, role, roleMember, dashboardPermission],
  dataSources: [userLookup, roleLookup, dashboardLookup],
};

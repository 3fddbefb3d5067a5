// Redash: provider block, API client, resources and data sources.
import type { Attributes } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import type { Vendor } from '../vendor';
import { redashAccess } from './access';
import { RedashApi } from './client';
import { dashboardShare } from './dashboard-share';
import { dashboardLookup } from './data-dashboard';
import { dataSourceLookup } from './data-data-source';
import { groupLookup } from './data-group';
import { dataSource } from './data-source';
import { dataSourceAccess } from './data-source-access';
import { userLookup } from './data-user';
import { group } from './group';
import { groupMember } from './group-member';
import { user } from './user';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'REDASH_URL', description: 'Base URL of the Redash server, e.g. https://redash.example.com (with the org slug path on multi-org servers).' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'REDASH_API_KEY', description: "API key of a Redash admin user (sent as `Authorization: Key …`)." },
};

export const redash: Vendor<RedashApi> = {
  name: 'redash',
  description: 'Redash connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('redash', settings, config.url);
    const apiKey = requiredSetting('redash', settings, 'api_key', config.api_key);
    return new RedashApi({ baseUrl, apiKey, log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  access: redashAccess,
  principalResources: { user: { typeName: 'biaccess_redash_user' }, group: { typeName: 'biaccess_redash_group' } },
  emulator: () => import('./emulator-module').then((module) => module.redashEmulator),
  resources: [user, group, groupMember, dataSource, dataSourceAccess, dashboardShare],
  dataSources: [userLookup, groupLookup, dataSourceLookup, dashboardLookup],
};

// Redash: provider block, API client, resources and data sources.
import type { Attributes, VendorDefinition } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';
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

/** What every Redash resource handler gets: typed API calls over the shared HTTP client (`http`). */
export type RedashClient = RedashApi;

export const redash: VendorDefinition<RedashClient> = {
  name: 'redash',
  description: 'Redash connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('redash', settings, config.url);
    const apiKey = requiredSetting('redash', settings, 'api_key', config.api_key);
    return new RedashApi(
      new VendorHttpClient({
        vendor: 'redash',
        baseUrl,
        headers: { Authorization: `Key ${apiKey}` },
        secrets: [apiKey],
        log: runtime.log,
      }),
    );
  },
  resources: [user, group, groupMember, dataSource, dataSourceAccess, dashboardShare],
  dataSources: [userLookup, groupLookup, dataSourceLookup, dashboardLookup],
};

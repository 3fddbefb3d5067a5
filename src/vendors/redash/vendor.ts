// Redash: provider block, API client and (with the Redash issue) resources and data sources.
import type { Attributes, VendorDefinition } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'REDASH_URL', description: 'Base URL of the Redash server, e.g. https://redash.example.com (with the org slug path on multi-org servers).' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'REDASH_API_KEY', description: "API key of a Redash admin user (sent as `Authorization: Key …`)." },
};

export interface RedashClient {
  http: VendorHttpClient;
}

export const redash: VendorDefinition<RedashClient> = {
  name: 'redash',
  description: 'Redash connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('redash', settings, config.url);
    const apiKey = requiredSetting('redash', settings, 'api_key', config.api_key);
    return {
      http: new VendorHttpClient({
        vendor: 'redash',
        baseUrl,
        headers: { Authorization: `Key ${apiKey}` },
        secrets: [apiKey],
        log: runtime.log,
      }),
    };
  },
  resources: [],
  dataSources: [],
};

// Periscope Data / Sisense for Cloud Data Teams: provider block, API client and (later) resources.
import type { Attributes, VendorDefinition } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';

const config: Attributes = {
  // The docs name app.periscopedata.com, every example uses api.periscopedata.com; both serve /api/v1.
  url: { type: 'string', optional: true, env: 'PERISCOPE_URL', description: 'API base URL, e.g. https://api.periscopedata.com.' },
  site: { type: 'string', optional: true, env: 'PERISCOPE_SITE', description: 'Site name (the path segment in dashboard URLs, /app/<site>/…).' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'PERISCOPE_API_KEY', description: "The site's API key (Settings → Billing and Authentication)." },
};

export interface PeriscopeClient {
  http: VendorHttpClient;
}

export const periscope: VendorDefinition<PeriscopeClient> = {
  name: 'periscope',
  description: 'Periscope Data (Sisense for Cloud Data Teams) connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('periscope', settings, config.url);
    const site = requiredSetting('periscope', settings, 'site', config.site);
    const apiKey = requiredSetting('periscope', settings, 'api_key', config.api_key);
    return {
      http: new VendorHttpClient({
        vendor: 'periscope',
        baseUrl,
        headers: { 'HTTP-X-PARTNER-AUTH': `${site}:${apiKey}` },
        secrets: [apiKey],
        log: runtime.log,
      }),
    };
  },
  resources: [],
  dataSources: [],
};

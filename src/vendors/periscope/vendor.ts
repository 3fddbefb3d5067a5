// Periscope Data / Sisense for Cloud Data Teams: provider block and API client; resources arrive
// with Periscope support.
import type { Attributes } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';
import type { Logger } from '../../framework/log';
import type { Vendor } from '../vendor';

const config: Attributes = {
  // The docs name app.periscopedata.com, every example uses api.periscopedata.com; both serve /api/v1.
  url: { type: 'string', optional: true, env: 'PERISCOPE_URL', description: 'API base URL, e.g. https://api.periscopedata.com.' },
  site: { type: 'string', optional: true, env: 'PERISCOPE_SITE', description: 'Site name (the path segment in dashboard URLs, /app/<site>/…).' },
  api_key: { type: 'string', optional: true, sensitive: true, env: 'PERISCOPE_API_KEY', description: "The site's API key (Settings → Billing and Authentication)." },
};

/** The typed Periscope client; its calls arrive with the Periscope resources. */
export class PeriscopeApi {
  readonly http: VendorHttpClient;

  constructor(connection: { baseUrl: string; site: string; apiKey: string; log?: Logger; signal?: AbortSignal; userAgent?: string }) {
    this.http = new VendorHttpClient({
      vendor: 'periscope',
      baseUrl: connection.baseUrl,
      headers: { 'HTTP-X-PARTNER-AUTH': `${connection.site}:${connection.apiKey}` },
      secrets: [connection.apiKey],
      log: connection.log,
      signal: connection.signal,
      userAgent: connection.userAgent,
    });
  }
}

export const periscope: Vendor<PeriscopeApi> = {
  name: 'periscope',
  description: 'Periscope Data (Sisense for Cloud Data Teams) connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('periscope', settings, config.url);
    const site = requiredSetting('periscope', settings, 'site', config.site);
    const apiKey = requiredSetting('periscope', settings, 'api_key', config.api_key);
    return new PeriscopeApi({ baseUrl, site, apiKey, log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  resources: [],
  dataSources: [],
};

// Sisense (Linux / Fusion): provider block, API client and (with the Sisense issue) resources.
import type { Attributes, VendorDefinition } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'SISENSE_URL', description: 'Base URL of the Sisense server, e.g. https://sisense.example.com.' },
  token: { type: 'string', optional: true, sensitive: true, env: 'SISENSE_TOKEN', description: 'API token of a Sisense admin (Admin → REST API, or the access_token from /api/v1/authentication/login).' },
};

export interface SisenseClient {
  http: VendorHttpClient;
}

export const sisense: VendorDefinition<SisenseClient> = {
  name: 'sisense',
  description: 'Sisense connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('sisense', settings, config.url);
    const token = requiredSetting('sisense', settings, 'token', config.token);
    return {
      http: new VendorHttpClient({
        vendor: 'sisense',
        baseUrl,
        headers: { Authorization: `Bearer ${token}` },
        secrets: [token],
        log: runtime.log,
      }),
    };
  },
  resources: [],
  dataSources: [],
};

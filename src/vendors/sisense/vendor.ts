// Sisense (Linux / Fusion): provider block and API client; resources arrive with Sisense support.
import type { Attributes } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';
import type { Logger } from '../../framework/log';
import type { Vendor } from '../vendor';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'SISENSE_URL', description: 'Base URL of the Sisense server, e.g. https://sisense.example.com.' },
  token: { type: 'string', optional: true, sensitive: true, env: 'SISENSE_TOKEN', description: 'API token of a Sisense admin (Admin → REST API, or the access_token from /api/v1/authentication/login).' },
};

/** The typed Sisense client; its calls arrive with the Sisense resources. */
export class SisenseApi {
  readonly http: VendorHttpClient;

  constructor(connection: { baseUrl: string; token: string; log?: Logger; signal?: AbortSignal; userAgent?: string }) {
    this.http = new VendorHttpClient({
      vendor: 'sisense',
      baseUrl: connection.baseUrl,
      headers: { Authorization: `Bearer ${connection.token}` },
      secrets: [connection.token],
      log: connection.log,
      signal: connection.signal,
      userAgent: connection.userAgent,
    });
  }
}

export const sisense: Vendor<SisenseApi> = {
  name: 'sisense',
  description: 'Sisense connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('sisense', settings, config.url);
    const token = requiredSetting('sisense', settings, 'token', config.token);
    return new SisenseApi({ baseUrl, token, log: runtime.log, signal: runtime.signal, userAgent: runtime.userAgent });
  },
  resources: [],
  dataSources: [],
};

// Grafana: provider block, API client and (with the Grafana issue) resources and data sources.
import type { Attributes, VendorDefinition } from '../../framework/definitions';
import { VendorConfigError } from '../../framework/definitions';
import { baseUrlSetting, requiredSetting } from '../../framework/config';
import { VendorHttpClient } from '../../framework/http';

const config: Attributes = {
  url: { type: 'string', optional: true, env: 'GRAFANA_URL', description: 'Base URL of the Grafana server, e.g. https://grafana.example.com.' },
  auth: { type: 'string', optional: true, sensitive: true, env: 'GRAFANA_AUTH', description: '`user:password` for basic auth (needed for server-admin resources such as users), anything else is a service-account token.' },
  org_id: { type: 'number', optional: true, env: 'GRAFANA_ORG_ID', description: 'Organization to act in (sent as X-Grafana-Org-Id); defaults to the credentials\' current org.' },
};

export interface GrafanaClient {
  http: VendorHttpClient;
  /** Basic auth can act as server admin; a token never can. */
  authKind: 'basic' | 'token';
  orgId?: number;
}

export const grafana: VendorDefinition<GrafanaClient> = {
  name: 'grafana',
  description: 'Grafana connection.',
  config,
  connect(settings, runtime) {
    const baseUrl = baseUrlSetting('grafana', settings, config.url);
    const auth = requiredSetting('grafana', settings, 'auth', config.auth);
    const orgId = settings.org_id == null ? undefined : Number(String(settings.org_id));
    if (orgId !== undefined && !(Number.isInteger(orgId) && orgId > 0)) {
      throw new VendorConfigError('org_id', 'grafana.org_id must be a positive whole number');
    }
    // "user:password" is basic auth; service-account tokens (glsa_…) never contain a colon.
    const colon = auth.indexOf(':');
    const basic = colon > 0 ? { username: auth.slice(0, colon), password: auth.slice(colon + 1) } : undefined;
    const headers: Record<string, string> = basic ? {} : { Authorization: `Bearer ${auth}` };
    if (orgId !== undefined) headers['X-Grafana-Org-Id'] = String(orgId);
    return {
      http: new VendorHttpClient({
        vendor: 'grafana',
        baseUrl,
        headers,
        basicAuth: basic,
        secrets: basic ? [auth, basic.password] : [auth],
        log: runtime.log,
      }),
      authKind: basic ? 'basic' : 'token',
      orgId,
    };
  },
  resources: [],
  dataSources: [],
};

// Team members and grants live in the org the provider acts in, which their ids do not name: the
// org is recorded when they are created or imported and checked on every read, so a provider
// pointed at another org says so instead of finding nothing there and recreating everything.
import type { GrafanaApi } from './client';

export const orgHome = {
  current: async (client: GrafanaApi): Promise<string> => String(await client.currentOrgId()),
  mismatch: (stored: string, current: string): string =>
    `This object belongs to Grafana org ${stored}, but the provider now acts in org ${current} (set by grafana.org_id, GRAFANA_ORG_ID or the credentials' current org). ` +
    `Point the provider back at org ${stored}. To manage the object in org ${current} instead, remove it from the state (terraform state rm) and import it there.`,
};

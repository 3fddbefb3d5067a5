// Periscope's emulator as `bi-access emulate periscope` and the demo run it.
import type { EmulatorModule, RunnableEmulator } from '../../emulator/runnable';
import { PeriscopeEmulator } from './emulator';

/** The dashboards the example stack gives roles access to; they exist before any access is declared. */
export const DEMO_DASHBOARDS = ['Warehouse KPIs', 'Revenue'];

export const periscopeEmulator: EmulatorModule = {
  create: (options) => new PeriscopeEmulator(options),
  demo: {
    create: (options) => new PeriscopeEmulator(options),
    /** Made through the emulator's dashboard route (dashboards are made in the Periscope UI, not through its API). */
    async seed(emulator: RunnableEmulator) {
      const { PERISCOPE_URL, PERISCOPE_SITE, PERISCOPE_API_KEY } = emulator.connectionEnvironment();
      const headers = { 'HTTP-X-PARTNER-AUTH': `${PERISCOPE_SITE}:${PERISCOPE_API_KEY}`, 'content-type': 'application/json' };
      const existing = new Set<string>();
      for (let cursor: string | null = null; ; ) {
        const response = await fetch(`${PERISCOPE_URL}/api/v1/dashboards${cursor === null ? '' : `?next_page_start=${encodeURIComponent(cursor)}`}`, { headers });
        if (!response.ok) throw new Error(`seeding the Periscope emulator: GET /api/v1/dashboards returned ${response.status}: ${await response.text()}`);
        const page = (await response.json()) as { dashboards: Array<{ name: string }>; next_page_start: string | null };
        for (const dashboard of page.dashboards) existing.add(dashboard.name);
        if ((cursor = page.next_page_start) === null) break;
      }
      for (const name of DEMO_DASHBOARDS.filter((candidate) => !existing.has(candidate))) {
        const response = await fetch(`${PERISCOPE_URL}/api/v1/dashboards?test_mode=false`, { method: 'POST', headers, body: JSON.stringify({ name }) });
        if (!response.ok) throw new Error(`seeding the Periscope emulator: POST /api/v1/dashboards returned ${response.status}: ${await response.text()}`);
      }
    },
  },
};

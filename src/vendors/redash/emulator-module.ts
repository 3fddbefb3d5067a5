// Redash's emulator as `bi-access emulate redash` and the demo run it.
import type { EmulatorModule, RunnableEmulator } from '../../emulator/runnable';
import { RedashEmulator } from './emulator';

export const redashEmulator: EmulatorModule = {
  create: (options) => new RedashEmulator(options),
  demo: {
    create: (options) => new RedashEmulator(options),
    /** The example stack shares an existing dashboard, "Warehouse KPIs": made through Redash's own API. */
    async seed(emulator: RunnableEmulator) {
      const { REDASH_URL, REDASH_API_KEY } = emulator.connectionEnvironment();
      const call = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${REDASH_URL}${path}`, { ...init, headers: { Authorization: `Key ${REDASH_API_KEY}`, 'content-type': 'application/json' } });
        if (!response.ok) throw new Error(`seeding the Redash emulator: ${init.method ?? 'GET'} ${path} returned ${response.status}: ${await response.text()}`);
        return response.json() as Promise<{ results?: Array<{ name: string }> }>;
      };
      const dashboards = await call('/api/dashboards?q=Warehouse%20KPIs');
      if (!dashboards.results?.some((dashboard) => dashboard.name === 'Warehouse KPIs')) {
        await call('/api/dashboards', { method: 'POST', body: JSON.stringify({ name: 'Warehouse KPIs' }) });
      }
    },
  },
};

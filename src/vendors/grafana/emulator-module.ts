// Grafana's emulator as `bi-access emulate grafana` and the demo run it.
import type { EmulatorModule, RunnableEmulator } from '../../emulator/runnable';
import { GrafanaEmulator } from './emulator';

export const grafanaEmulator: EmulatorModule = {
  create: (options) => new GrafanaEmulator(options),
  enterprise: true,
  demo: {
    // Enterprise: the example stack grants Query on a data source, an Enterprise/Cloud feature.
    create: (options) => new GrafanaEmulator({ ...options, enterprise: true }),
    /** The example stack grants access on an existing folder ("on-call") and data source ("warehouse"): made through Grafana's own API. */
    async seed(emulator: RunnableEmulator) {
      const { GRAFANA_URL, GRAFANA_AUTH } = emulator.connectionEnvironment();
      const call = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${GRAFANA_URL}${path}`, {
          ...init,
          headers: { Authorization: `Basic ${Buffer.from(GRAFANA_AUTH).toString('base64')}`, 'content-type': 'application/json' },
        });
        if (!response.ok && response.status !== 404) throw new Error(`seeding the Grafana emulator: ${init.method ?? 'GET'} ${path} returned ${response.status}: ${await response.text()}`);
        return response.status;
      };
      if ((await call('/api/folders/on-call')) === 404) {
        await call('/api/folders', { method: 'POST', body: JSON.stringify({ uid: 'on-call', title: 'On-call' }) });
      }
      if ((await call('/api/datasources/uid/warehouse')) === 404) {
        await call('/api/datasources', { method: 'POST', body: JSON.stringify({ uid: 'warehouse', name: 'warehouse', type: 'postgres', access: 'proxy' }) });
      }
    },
  },
};

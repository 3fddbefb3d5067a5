// Sisense's emulator as `bi-access emulate sisense` and the demo run it.
import type { EmulatorModule, RunnableEmulator } from '../../emulator/runnable';
import { SisenseEmulator } from './emulator';

/** What the example stack shares: a dashboard another user owns, and the data model it queries. */
export const DEMO_DASHBOARD = 'Sales Overview';
export const DEMO_DATA_MODEL = 'Sales';
const DEMO_OWNER = 'dana.designer@example.com';

export const sisenseEmulator: EmulatorModule = {
  create: (options) => new SisenseEmulator(options),
  demo: {
    create: (options) => new SisenseEmulator(options),
    /** Made as Sisense's UI makes them (dashboards and models have no create route in the access API). */
    async seed(emulator: RunnableEmulator) {
      const sisense = emulator as SisenseEmulator;
      const contents = sisense.snapshotState();
      const model = contents.dataModels.find((candidate) => candidate.title === DEMO_DATA_MODEL) ?? sisense.addDataModel(DEMO_DATA_MODEL, 'extract');
      if (!contents.dashboards.some((dashboard) => dashboard.title === DEMO_DASHBOARD)) {
        const owner = contents.users.find((user) => user.email === DEMO_OWNER) ?? sisense.addUser(DEMO_OWNER, { role: 'contributor', password: 'designer-password' });
        sisense.addDashboard(DEMO_DASHBOARD, { owner: owner._id, dataModel: model });
      }
    },
  },
};

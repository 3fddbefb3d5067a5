// Vendor API emulators that `bi-access emulate <vendor>` and the demo can start. A vendor with an
// emulator adds one line here; each is loaded only when asked for.
export interface RunnableEmulator {
  /** Listens on 127.0.0.1 (port 0 unless told otherwise); resolves to the base URL. */
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** The provider's environment variables that point at this emulator (URL and credentials). */
  connectionEnvironment(): Record<string, string>;
}

export interface EmulatorLaunchOptions {
  /** Keep the emulator's data in this JSON file across runs. */
  stateFile?: string;
}

export const emulators: Record<string, (options: EmulatorLaunchOptions) => Promise<RunnableEmulator>> = {
  redash: async (options) => new (await import('./redash/emulator')).RedashEmulator(options),
  grafana: async (options) => new (await import('./grafana/emulator')).GrafanaEmulator(options),
};

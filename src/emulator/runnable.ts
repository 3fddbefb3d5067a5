// What the `bi-access emulate` command and the demo need from a vendor's emulator.
export interface RunnableEmulator {
  /** Listens on 127.0.0.1 (port 0 unless told otherwise); resolves to the base URL. */
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  /** The provider's environment variables that point at this emulator (URL and credentials). */
  connectionEnvironment(): Record<string, string>;
  /** What it holds, summarised as an administrator would (one line per object). */
  describeContents(): string[];
}

export interface EmulatorLaunchOptions {
  /** Keep the emulator's data in this JSON file across runs. */
  stateFile?: string;
  /** Serve the vendor's Enterprise edition (for an emulator whose module offers it). */
  enterprise?: boolean;
}

/** A vendor's emulator module, loaded only when asked for. */
export interface EmulatorModule {
  /** The emulator as `bi-access emulate <vendor>` runs it. */
  create(options: EmulatorLaunchOptions): RunnableEmulator;
  /** Whether `enterprise` selects an edition of this vendor (Grafana Enterprise's data source permissions). */
  enterprise?: boolean;
  /** The vendor's part of the demo (`npm start`), when the example stack declares access in it. */
  demo?: {
    create(options: EmulatorLaunchOptions): RunnableEmulator;
    /** Makes the objects that exist before any access is declared and that the example stack looks up; safe to repeat. */
    seed(emulator: RunnableEmulator): Promise<void>;
  };
}

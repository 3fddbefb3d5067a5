// What every operations command runs with: the environment (vendor settings, Terraform's
// variables), the directory it was started in, and where progress goes (stderr).

export interface OpsContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** One line of progress for the person waiting: never on stdout, which carries the result. */
  progress(line: string): void;
}

/** A failure the user can act on: reported as its message alone, with exit code 1. */
export class OpsError extends Error {}

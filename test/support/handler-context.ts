// A handler context for calling resource handlers directly in unit tests, with what they record
// (warnings, partial and private state) open for assertions.
import type { ResourceContext } from '../../src/framework/definitions';
import { silentLogger } from '../../src/framework/log';
import type { CtyValue } from '../../src/protocol/values';

export interface TestContext<Client> extends ResourceContext<Client, any> {
  readonly warnings: Array<{ summary: string; detail?: string }>;
  /** What the handler recorded with recordPartial (undefined when nothing). */
  readonly partial: Record<string, CtyValue> | undefined;
  readonly privateValues: Map<string, unknown>;
}

export function handlerContext<Client>(client: Client, typeName = 'biaccess_test'): TestContext<Client> {
  const warnings: Array<{ summary: string; detail?: string }> = [];
  const privateValues = new Map<string, unknown>();
  let partial: Record<string, CtyValue> | undefined;
  return {
    client,
    log: silentLogger,
    signal: new AbortController().signal,
    typeName,
    warnings,
    privateValues,
    get partial() {
      return partial;
    },
    warn: (summary, detail) => void warnings.push({ summary, detail }),
    importCommand: (id) => `terraform import ${typeName}.<name> ${id}`,
    private: { get: <T>(key: string) => privateValues.get(key) as T | undefined, set: (key, value) => void (value === undefined ? privateValues.delete(key) : privateValues.set(key, value)) },
    recordPartial: (values) => {
      partial = { ...partial, ...(values as Record<string, CtyValue>) };
    },
  };
}

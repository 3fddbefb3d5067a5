// Plain HTTP calls to the (emulated) Periscope, as a site admin's script would make them: used by
// the Periscope tests to make changes behind Terraform's back. Writes send test_mode=false.
import { PERISCOPE_ADMIN_EMAIL, type PeriscopeEmulator } from '../../src/vendors/periscope/emulator';
import { providerBlock } from './terraform';

export interface PeriscopeScript {
  /** Fails unless the status is 2xx; resolves to the parsed body (undefined when empty). */
  ok(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<any>;
  /** A role as the site has it now (the role list is one call). */
  role(id: string | number): Promise<any>;
  /** Sets a role's dashboard entries and privileges by hand, sending both arrays. */
  updateRole(id: string | number, changes: Record<string, unknown>): Promise<void>;
}

export function periscopeScript(emulator: PeriscopeEmulator): PeriscopeScript {
  const ok = async (method: string, path: string, body?: unknown) => {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(`${emulator.url}${path}${method === 'GET' ? '' : `${separator}test_mode=false`}`, {
      method,
      headers: { 'HTTP-X-PARTNER-AUTH': `${emulator.site}:${emulator.apiKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const role = async (id: string | number) => (await ok('GET', '/api/v1/roles')).roles.find((candidate: { id: number }) => String(candidate.id) === String(id));
  return {
    ok,
    role,
    async updateRole(id, changes) {
      const current = await role(id);
      await ok('PUT', `/api/v1/roles/${id}`, { name: current.name, description: current.description, privileges: current.privileges, permissions: current.permissions, updated_by_email: PERISCOPE_ADMIN_EMAIL, ...changes });
    },
  };
}

/** The provider block pointing at the emulator (admin_email from the emulator's admin). */
export function periscopeProvider(emulator: PeriscopeEmulator, overrides: { site?: string; apiKey?: string; url?: string; adminEmail?: string } = {}): string {
  return providerBlock(`  periscope {
    url         = "${overrides.url ?? emulator.url}"
    site        = "${overrides.site ?? emulator.site}"
    api_key     = "${overrides.apiKey ?? emulator.apiKey}"
    admin_email = "${overrides.adminEmail ?? PERISCOPE_ADMIN_EMAIL}"
  }`);
}

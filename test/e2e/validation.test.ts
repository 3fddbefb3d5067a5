// The same checks at plan for every vendor: emails and non-empty names are validated before
// anything is applied, naming the attribute; credentials a vendor refuses name the setting and its
// environment variable; a Grafana user name given without its password is an error, not a token.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { PeriscopeEmulator, PERISCOPE_ADMIN_EMAIL } from '../../src/vendors/periscope/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const redash = new RedashEmulator();
const grafana = new GrafanaEmulator();
const sisense = new SisenseEmulator();
const periscope = new PeriscopeEmulator();
let workspace: TerraformWorkspace;

const blocks = (grafanaAuth = grafana.adminAuth) => `  redash {
    url     = "${redash.url}"
    api_key = "${REDASH_ADMIN_API_KEY}"
  }
  grafana {
    url  = "${grafana.url}"
    auth = "${grafanaAuth}"
  }
  sisense {
    url   = "${sisense.url}"
    token = "${SISENSE_ADMIN_TOKEN}"
  }
  periscope {
    url         = "${periscope.url}"
    site        = "${periscope.site}"
    api_key     = "${periscope.apiKey}"
    admin_email = "${PERISCOPE_ADMIN_EMAIL}"
  }`;

async function plan(resources: string, grafanaAuth?: string) {
  workspace.write('main.tf', providerBlock(blocks(grafanaAuth)) + resources);
  const result = await workspace.terraform(['plan'], { allowFailure: true });
  return { code: result.code, output: (result.stdout + result.stderr).replace(/\s+/g, ' ') };
}

beforeAll(async () => {
  await Promise.all([redash.start(), grafana.start(), sisense.start(), periscope.start()]);
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', providerBlock(blocks()));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all([redash.stop(), grafana.stop(), sisense.stop(), periscope.stop()]);
});

test('a malformed email and an empty name fail at plan in every vendor, naming the attribute', async () => {
  const result = await plan(`
resource "biaccess_grafana_user" "typo" {
  email    = "bo.example.com"
  password = "password-1"
}
resource "biaccess_redash_user" "nameless" {
  email = "ann@example.com"
  name  = ""
}
resource "biaccess_redash_group" "empty" {
  name = ""
}
resource "biaccess_sisense_group" "empty" {
  name = ""
}
resource "biaccess_sisense_user" "blank_first" {
  email      = "cy@example.com"
  first_name = ""
}
resource "biaccess_periscope_user" "blank_last" {
  email      = "dee@example.com"
  first_name = "Dee"
  last_name  = ""
}
`);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('got "bo.example.com": "email" must be an email address such as "jane@example.com"');
  expect(result.output.match(/"name" must be a non-empty string/g)).toHaveLength(3);
  expect(result.output).toContain('"first_name" must be a non-empty string');
  expect(result.output).toContain('"last_name" must be a non-empty string');
  expect(redash.snapshotState().users).toHaveLength(1); // nothing was created
});

test('a Grafana user name without its password is an error naming grafana.auth, not a token', async () => {
  for (const auth of ['admin', 'admin:']) {
    const result = await plan('\ndata "biaccess_grafana_team" "t" {\n  name = "Platform"\n}\n', auth);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/grafana\.auth \(GRAFANA_AUTH\) (looks like a user name without a password|has no password after "admin:")/);
  }
});

test('credentials a vendor refuses are an error naming the setting and its environment variable', async () => {
  const result = await plan('\ndata "biaccess_grafana_team" "t" {\n  name = "Platform"\n}\n', 'admin:wrong-password');
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Grafana refused the user name and password in grafana.auth (GRAFANA_AUTH)');
  expect(result.output).not.toContain('wrong-password');
});

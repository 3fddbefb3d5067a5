// Write-only secrets (Terraform >= 1.11): a Grafana user's password, a Redash data source's secret
// options and a Sisense user's password reach the vendor but never the plan or the state; changing
// the version attribute sends them again; a refresh after apply changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { RedashEmulator, REDASH_ADMIN_API_KEY } from '../../src/vendors/redash/emulator';
import { SisenseEmulator, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const redash = new RedashEmulator();
const grafana = new GrafanaEmulator();
const sisense = new SisenseEmulator();
let workspace: TerraformWorkspace;

interface Secrets {
  grafana: string;
  redash: string;
  sisense: string;
}

/** The secrets come in as ephemeral variables, as a user passes them: the configuration holds no literal. */
const secretsEnvironment = (secrets: Secrets) => ({ TF_VAR_grafana_password: secrets.grafana, TF_VAR_redash_password: secrets.redash, TF_VAR_sisense_password: secrets.sisense });

function configuration(version: string): string {
  return (
    providerBlock(`  redash {
    url     = "${redash.url}"
    api_key = "${REDASH_ADMIN_API_KEY}"
  }
  grafana {
    url  = "${grafana.url}"
    auth = "${grafana.adminAuth}"
  }
  sisense {
    url   = "${sisense.url}"
    token = "${SISENSE_ADMIN_TOKEN}"
  }`) +
    `
variable "grafana_password" {
  type      = string
  ephemeral = true
}

variable "redash_password" {
  type      = string
  ephemeral = true
}

variable "sisense_password" {
  type      = string
  ephemeral = true
}

resource "biaccess_grafana_user" "bo" {
  email               = "bo@example.com"
  password_wo         = var.grafana_password
  password_wo_version = "${version}"
}

resource "biaccess_redash_data_source" "warehouse" {
  name                      = "warehouse"
  type                      = "pg"
  options                   = { host = "db.internal", dbname = "analytics", user = "redash" }
  secret_options_wo         = { password = var.redash_password }
  secret_options_wo_version = "${version}"
}

resource "biaccess_sisense_user" "cy" {
  email               = "cy@example.com"
  password_wo         = var.sisense_password
  password_wo_version = "${version}"
}
`
  );
}

async function grafanaLogin(password: string): Promise<number> {
  const response = await fetch(`${grafana.url}/api/user`, { headers: { Authorization: `Basic ${Buffer.from(`bo@example.com:${password}`).toString('base64')}` } });
  return response.status;
}

async function sisenseLogin(password: string): Promise<number> {
  const response = await fetch(`${sisense.url}/api/v1/authentication/login`, { method: 'POST', body: new URLSearchParams({ username: 'cy@example.com', password }) });
  return response.status;
}

beforeAll(async () => {
  await Promise.all([redash.start(), grafana.start(), sisense.start()]);
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration('1'));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await Promise.all([redash.stop(), grafana.stop(), sisense.stop()]);
});

const first: Secrets = { grafana: 'grafana-secret-1', redash: 'redash-secret-1', sisense: 'sisense-secret-1' };
const second: Secrets = { grafana: 'grafana-secret-2', redash: 'redash-secret-2', sisense: 'sisense-secret-2' };

test('the secrets reach the vendors and never the plan, the state or the output', async () => {
  const env = secretsEnvironment(first);
  const plan = await workspace.terraform(['plan', '-out', 'first.tfplan'], { env });
  const show = await workspace.terraform(['show', '-json', 'first.tfplan'], { env });
  const apply = await workspace.terraform(['apply', 'first.tfplan'], { env });
  expect(apply.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed');
  // The plan file is a zip (its text compressed): its JSON rendering is what is searched.
  const written = readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8') + show.stdout + plan.stdout + apply.stdout;
  for (const secret of ['grafana-secret-1', 'redash-secret-1', 'sisense-secret-1']) expect(written).not.toContain(secret);
  const state = JSON.parse(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8'));
  const attributes = (type: string) => state.resources.find((resource: any) => resource.type === type).instances[0].attributes;
  expect(attributes('biaccess_grafana_user')).toMatchObject({ password: null, password_wo: null, password_wo_version: '1' });
  expect(attributes('biaccess_redash_data_source')).toMatchObject({ secret_options_wo: null, options: { host: 'db.internal', dbname: 'analytics', user: 'redash' } });

  expect(await grafanaLogin('grafana-secret-1')).toBe(200);
  expect(redash.snapshotState().dataSources[0].options).toMatchObject({ password: 'redash-secret-1', host: 'db.internal' });
  expect(await sisenseLogin('sisense-secret-1')).toBe(200);
  expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { env })).code).toBe(0);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'], { env })).code).toBe(0);
});

test('a new secret with the same version is not sent; a new version sends it', async () => {
  const env = secretsEnvironment(second);
  expect((await workspace.terraform(['plan', '-detailed-exitcode'], { env })).code).toBe(0);

  workspace.write('main.tf', configuration('2'));
  const apply = await workspace.terraform(['apply', '-auto-approve'], { env });
  expect(apply.stdout).toContain('Apply complete! Resources: 0 added, 3 changed, 0 destroyed');
  expect(await grafanaLogin('grafana-secret-2')).toBe(200);
  expect(await grafanaLogin('grafana-secret-1')).toBe(401);
  expect(redash.snapshotState().dataSources[0].options).toMatchObject({ password: 'redash-secret-2' });
  expect(await sisenseLogin('sisense-secret-2')).toBe(200);
  expect(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8') + apply.stdout).not.toMatch(/(grafana|redash|sisense)-secret-2/);
  expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { env })).code).toBe(0);
});

test('the name changes in place without the secret option being lost', async () => {
  workspace.write('main.tf', configuration('2').replace('name                      = "warehouse"', 'name                      = "warehouse-eu"'));
  await workspace.terraform(['apply', '-auto-approve'], { env: secretsEnvironment(second) });
  expect(redash.snapshotState().dataSources[0]).toMatchObject({ name: 'warehouse-eu', options: expect.objectContaining({ password: 'redash-secret-2' }) });
});

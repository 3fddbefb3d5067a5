// Both ways of logging in to Sisense in one configuration, as two provider aliases: an API token,
// and a user name and password the provider exchanges for a session token. Runs the provider
// executable, as Terraform does for real: each alias gets its own provider process (an in-process
// provider would serve both aliases with whichever configuration came last).
import { SisenseEmulator, SISENSE_ADMIN_EMAIL, SISENSE_ADMIN_PASSWORD, SISENSE_ADMIN_TOKEN } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(180_000);

const emulator = new SisenseEmulator();
let workspace: TerraformWorkspace;

const configuration = () =>
  providerBlock(`  sisense {\n    url   = "${emulator.url}"\n    token = "${SISENSE_ADMIN_TOKEN}"\n  }`) +
  `
provider "biaccess" {
  alias = "login"
  sisense {
    url      = "${emulator.url}"
    username = "${SISENSE_ADMIN_EMAIL}"
    password = "${SISENSE_ADMIN_PASSWORD}"
  }
}

resource "biaccess_sisense_group" "analysts" {
  name = "Analysts"
}

resource "biaccess_sisense_user" "eli" {
  provider = biaccess.login
  email    = "eli@example.com"
}

resource "biaccess_sisense_group_member" "eli" {
  provider = biaccess.login
  group_id = biaccess_sisense_group.analysts.id
  user_id  = biaccess_sisense_user.eli.id
}
`;

const logins = () => emulator.countRequests({ method: 'POST', path: '/api/v1/authentication/login' });

beforeAll(async () => {
  await emulator.start();
  workspace = TerraformWorkspace.create();
  workspace.write('main.tf', configuration());
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('two aliases log in differently in one run: the password alias logs in, and no secret or session token reaches the state or the output', async () => {
  emulator.clearRequestLog();
  const apply = await workspace.terraform(['apply', '-auto-approve'], { env: { SISENSE_TOKEN: '', SISENSE_USERNAME: '', SISENSE_PASSWORD: '' } });
  expect(apply.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed');
  const state = emulator.snapshotState();
  const eli = state.users.find((user) => user.email === 'eli@example.com')!;
  const analysts = state.groups.find((group) => group.name === 'Analysts')!;
  expect(eli.groups).toEqual([analysts._id]);
  expect(logins()).toBeGreaterThanOrEqual(1);

  const refresh = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode']);
  expect(refresh.code).toBe(0);
  const pulled = (await workspace.terraform(['state', 'pull'])).stdout;
  for (const secret of [SISENSE_ADMIN_TOKEN, SISENSE_ADMIN_PASSWORD, ...Object.keys(emulator.snapshotState().tokens)]) {
    expect(pulled).not.toContain(secret);
    expect(apply.stdout + apply.stderr + refresh.stdout + refresh.stderr).not.toContain(secret);
  }
});

test('with the credentials of both kinds in the environment, each block keeps to its own kind', async () => {
  // The token alias sets only token, the login alias only username and password: neither picks up
  // the other kind from the environment (which would make the login alias use the token).
  emulator.clearRequestLog();
  const env = { SISENSE_TOKEN: SISENSE_ADMIN_TOKEN, SISENSE_USERNAME: SISENSE_ADMIN_EMAIL, SISENSE_PASSWORD: SISENSE_ADMIN_PASSWORD };
  emulator.expireSessions();
  const plan = await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'], { env });
  expect(plan.code).toBe(0);
  expect(logins()).toBeGreaterThanOrEqual(1);

  await workspace.terraform(['destroy', '-auto-approve']);
  const state = emulator.snapshotState();
  expect(state.users.some((user) => user.email === 'eli@example.com')).toBe(false);
  expect(state.groups.some((group) => group.name === 'Analysts')).toBe(false);
});

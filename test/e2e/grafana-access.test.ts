// Grafana users, org members, teams and team members under the real Terraform, against the
// emulator. Steps build on each other (one working directory, one emulator), as a user's session
// would: create, refresh, update in place, drift, deletion outside Terraform, import, destroy.
import { GrafanaEmulator } from '../../src/vendors/grafana/emulator';
import { grafanaApi, type GrafanaApi, whileChangingByHand } from '../support/grafana-api';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(120_000);

const emulator = new GrafanaEmulator();
let workspace: TerraformWorkspace;
let admin: GrafanaApi;
let url: string;

/** Users made by hand: 30 for the shared team, bystanders added while Terraform runs, one to import. */
const sharedMemberIds: number[] = [];
const bystanderIds: number[] = [];
let carolId: number;
/** Made by hand; only its org role is declared (then dropped): removal must not delete the user. */
let erinId: number;
let sharedTeamId: number;

interface Desired {
  alice: { email: string; login: string; name: string; password: string };
  bob: { password: string; isAdmin: boolean };
  aliceRole: string;
  erinOrgMember: boolean;
  platform: { name: string; email: string };
  aliceTeamAdmin: boolean;
  extra?: string;
}

const initial: Desired = {
  alice: { email: 'alice@example.com', login: 'alice', name: 'Alice', password: 'alice-password-1' },
  bob: { password: 'bob-password-1', isAdmin: false },
  aliceRole: 'Editor',
  erinOrgMember: true,
  platform: { name: 'Platform', email: 'platform@example.com' },
  aliceTeamAdmin: false,
};
let desired: Desired = initial;

function configuration(d: Desired): string {
  return (
    providerBlock(`  grafana {\n    url  = "${url}"\n    auth = "${emulator.adminAuth}"\n  }`) +
    `
resource "biaccess_grafana_user" "alice" {
  email    = "${d.alice.email}"
  login    = "${d.alice.login}"
  name     = "${d.alice.name}"
  password = "${d.alice.password}"
}

resource "biaccess_grafana_user" "bob" {
  email    = "bob@example.com"
  password = "${d.bob.password}"
  is_admin = ${d.bob.isAdmin}
}

resource "biaccess_grafana_org_member" "alice" {
  user_id = biaccess_grafana_user.alice.id
  role    = "${d.aliceRole}"
}
${d.erinOrgMember ? `\nresource "biaccess_grafana_org_member" "erin" {\n  user_id = ${erinId}\n  role    = "Editor"\n}\n` : ''}
resource "biaccess_grafana_team" "platform" {
  name  = "${d.platform.name}"
  email = "${d.platform.email}"
}

resource "biaccess_grafana_team_member" "alice" {
  team_id = biaccess_grafana_team.platform.id
  user_id = biaccess_grafana_user.alice.id
  admin   = ${d.aliceTeamAdmin}
}

resource "biaccess_grafana_team_member" "bob" {
  team_id = biaccess_grafana_team.platform.id
  user_id = biaccess_grafana_user.bob.id
  admin   = true
}

data "biaccess_grafana_team" "shared" {
  name = "Shared"
}

resource "biaccess_grafana_team_member" "shared" {
  for_each = { for id in [${sharedMemberIds.join(', ')}] : tostring(id) => id }
  team_id  = data.biaccess_grafana_team.shared.id
  user_id  = each.value
}

data "biaccess_grafana_user" "alice" {
  email = biaccess_grafana_user.alice.email
}

output "alice_lookup" {
  value = { id = data.biaccess_grafana_user.alice.id, uid = data.biaccess_grafana_user.alice.uid, login = data.biaccess_grafana_user.alice.login }
}
` +
    (d.extra ?? '')
  );
}

async function apply(d: Desired = desired) {
  desired = d;
  workspace.write('main.tf', configuration(d));
  return workspace.terraform(['apply', '-auto-approve']);
}

const state = () => workspace.stateResources();
const user = (login: string) => emulator.usersMatching(login)[0];
const membersOf = (teamId: number) => new Map(emulator.teamMembersOf(teamId).map((member) => [member.userId, member.permission]));
const orgRoleOf = async (userId: number, orgId = 1) => ((await admin.ok('GET', `/api/orgs/${orgId}/users`)) as Array<{ userId: number; role: string }>).find((m) => m.userId === userId)?.role;

/** Runs `work` while adding one bystander member to the shared team every 40 ms (as a person would by hand). */
function whileAddingBystanders<T>(work: Promise<T>) {
  return whileChangingByHand(work, bystanderIds, (userId) => admin.ok('POST', `/api/teams/${sharedTeamId}/members`, { userId }));
}

beforeAll(async () => {
  url = await emulator.start();
  admin = grafanaApi(url, emulator.adminAuth);
  const makeUser = async (login: string) => (await admin.ok('POST', '/api/admin/users', { login, email: `${login}@example.com`, password: 'password1' })).id as number;
  for (let i = 1; i <= 30; i++) sharedMemberIds.push(await makeUser(`member${i}`));
  for (let i = 1; i <= 40; i++) bystanderIds.push(await makeUser(`bystander${i}`));
  carolId = await makeUser('carol');
  erinId = await makeUser('erin');
  // A team made by hand, with a member nobody declared.
  sharedTeamId = (await admin.ok('POST', '/api/teams', { name: 'Shared' })).teamId;
  await admin.ok('POST', `/api/teams/${sharedTeamId}/members`, { userId: carolId });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration(initial));
  await workspace.terraform(['init']);
});

afterAll(async () => {
  await workspace?.remove();
  await emulator.stop();
});

test('apply creates users, memberships, a team and 30 members of a shared team; members added meanwhile stay', async () => {
  workspace.write('main.tf', configuration(initial));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toMatch(/password\s+= \(sensitive value\)/);
  expect(plan.stdout + plan.stderr).not.toContain('alice-password-1');

  const { result, added } = await whileAddingBystanders(apply(initial));
  expect(result.stdout).toContain('Apply complete! Resources: 37 added, 0 changed, 0 destroyed');
  expect(added.length).toBeGreaterThan(3);

  const alice = user('alice');
  const bob = user('bob@example.com');
  expect(alice).toMatchObject({ email: 'alice@example.com', name: 'Alice', password: 'alice-password-1', isGrafanaAdmin: false });
  // An unset login is the email.
  expect(bob).toMatchObject({ login: 'bob@example.com', password: 'bob-password-1' });
  expect(await orgRoleOf(alice.id)).toBe('Editor');
  // erin was a Viewer through auto_assign_org already: the existing membership got the declared role.
  expect(await orgRoleOf(erinId)).toBe('Editor');

  const resources = await state();
  const platformId = Number(resources.get('biaccess_grafana_team.platform')?.id);
  expect(resources.get('biaccess_grafana_team.platform')).toMatchObject({ name: 'Platform', email: 'platform@example.com', org_id: '1', uid: expect.any(String) });
  expect(resources.get('biaccess_grafana_user.alice')).toMatchObject({ id: String(alice.id), uid: alice.uid, login: 'alice' });
  expect(resources.get('biaccess_grafana_team_member.bob')).toMatchObject({ id: `${platformId}/${bob.id}`, admin: true });
  expect(resources.get('biaccess_grafana_org_member.alice')).toMatchObject({ id: `1/${alice.id}`, org_id: '1' });
  expect(resources.get('biaccess_grafana_org_member.erin')).toMatchObject({ id: `1/${erinId}`, org_id: '1', role: 'Editor' });
  // The creating admin was not left in the new team: exactly the declared members.
  expect(membersOf(platformId)).toEqual(new Map([[alice.id, 0], [bob.id, 4]]));
  // The shared team: the 30 declared members, the hand-made ones (its creator, admin, and carol),
  // and every one added during the apply.
  const shared = membersOf(sharedTeamId);
  expect([...shared.keys()].sort((a, b) => a - b)).toEqual([...sharedMemberIds, ...added, carolId, 1].sort((a, b) => a - b));

  const output = JSON.parse((await workspace.terraform(['output', '-json'])).stdout);
  expect(output.alice_lookup.value).toEqual({ id: String(alice.id), uid: alice.uid, login: 'alice' });
});

test('a second plan shows no changes, and a refresh of the 30 members reads their team once', async () => {
  const plan = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(plan.stdout).toContain('No changes');
  emulator.clearRequestLog();
  await workspace.terraform(['plan', '-refresh-only']);
  expect(emulator.countRequests({ method: 'GET', path: `/api/teams/${sharedTeamId}/members` })).toBe(1);
  expect(emulator.countRequests({ method: 'GET', path: '/api/users/search' })).toBe(1);
  expect(emulator.countRequests({ method: 'GET' })).toBeLessThan(12);
});

test('changes to names, emails, passwords, roles and the team admin flag are made in place', async () => {
  const before = await state();
  const next: Desired = {
    ...desired,
    alice: { email: 'alice@corp.example.com', login: 'alice.smith', name: 'Alice Smith', password: 'alice-password-2' },
    bob: { password: 'bob-password-2', isAdmin: true },
    aliceRole: 'Admin',
    erinOrgMember: false,
    platform: { name: 'Platform Team', email: 'platform-team@example.com' },
    aliceTeamAdmin: true,
  };
  workspace.write('main.tf', configuration(next));
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).not.toContain('must be replaced');
  expect(plan.stdout).toContain('Plan: 0 to add, 5 to change, 1 to destroy');
  expect(plan.stdout).toMatch(/login\s+= "alice" -> "alice.smith"/);
  expect(plan.stdout).toMatch(/password\s+= \(sensitive value\)/);
  expect(plan.stdout + plan.stderr).not.toContain('password-2');
  await apply(next);

  const alice = user('alice.smith');
  expect(alice).toMatchObject({ id: Number(before.get('biaccess_grafana_user.alice')?.id), email: 'alice@corp.example.com', name: 'Alice Smith', password: 'alice-password-2' });
  const bob = user('bob@example.com');
  expect(bob).toMatchObject({ password: 'bob-password-2', isGrafanaAdmin: true });
  expect(await orgRoleOf(alice.id)).toBe('Admin');
  // Removing erin's org membership (her only org) removed it from the org only: the user is still there.
  expect(await orgRoleOf(erinId)).toBeUndefined();
  expect(user('erin')).toMatchObject({ id: erinId });
  const platformId = Number(before.get('biaccess_grafana_team.platform')?.id);
  expect((await admin.ok('GET', `/api/teams/${platformId}`)).name).toBe('Platform Team');
  expect(membersOf(platformId).get(alice.id)).toBe(4);
});

test('changes made by hand show in plan -refresh-only, and the next apply restores the declared state', async () => {
  const resources = await state();
  const platformId = Number(resources.get('biaccess_grafana_team.platform')?.id);
  const alice = user('alice.smith');
  const bob = user('bob@example.com');
  await admin.ok('PUT', `/api/users/${alice.id}`, { login: 'renamed-by-hand', email: 'alice@corp.example.com', name: 'Alice Smith' });
  await admin.ok('PATCH', `/api/orgs/1/users/${alice.id}`, { role: 'Viewer' });
  await admin.ok('PUT', `/api/teams/${platformId}`, { name: 'Renamed by hand', email: 'platform-team@example.com' });
  await admin.ok('PUT', `/api/teams/${platformId}/members/${alice.id}`, { permission: 0 });
  await admin.ok('DELETE', `/api/teams/${platformId}/members/${bob.id}`);
  await admin.ok('DELETE', `/api/teams/${sharedTeamId}/members/${sharedMemberIds[0]}`);

  const refresh = await workspace.terraform(['plan', '-refresh-only']);
  expect(refresh.stdout).toContain('Objects have changed outside of Terraform');
  expect(refresh.stdout).toMatch(/login\s+= "alice.smith" -> "renamed-by-hand"/);
  expect(refresh.stdout).toMatch(/role\s+= "Admin" -> "Viewer"/);
  expect(refresh.stdout).toMatch(/name\s+= "Platform Team" -> "Renamed by hand"/);
  expect(refresh.stdout).toMatch(/admin\s+= true -> false/);
  expect(refresh.stdout).toContain('biaccess_grafana_team_member.bob has been deleted');
  expect(refresh.stdout).toContain(`biaccess_grafana_team_member.shared["${sharedMemberIds[0]}"] has been deleted`);

  const result = await apply(desired);
  expect(result.stdout).toContain('Resources: 2 added, 4 changed, 0 destroyed');
  expect(user('alice.smith')).toMatchObject({ id: alice.id });
  expect(await orgRoleOf(alice.id)).toBe('Admin');
  expect((await admin.ok('GET', `/api/teams/${platformId}`)).name).toBe('Platform Team');
  expect(membersOf(platformId)).toEqual(new Map([[alice.id, 4], [bob.id, 4]]));
  expect(membersOf(sharedTeamId).has(sharedMemberIds[0])).toBe(true);
});

test('a team and a user deleted outside Terraform are recreated, with their memberships', async () => {
  const before = await state();
  const oldTeamId = Number(before.get('biaccess_grafana_team.platform')?.id);
  const oldBobId = Number(before.get('biaccess_grafana_user.bob')?.id);
  await admin.ok('DELETE', `/api/teams/${oldTeamId}`);
  await admin.ok('DELETE', `/api/admin/users/${oldBobId}`);
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('biaccess_grafana_team.platform will be created');
  expect(plan.stdout).toContain('biaccess_grafana_user.bob will be created');
  await apply(desired);
  const after = await state();
  const teamId = Number(after.get('biaccess_grafana_team.platform')?.id);
  const bob = user('bob@example.com');
  expect(teamId).not.toBe(oldTeamId);
  expect(bob.id).not.toBe(oldBobId);
  expect(bob).toMatchObject({ password: 'bob-password-2', isGrafanaAdmin: true });
  expect(membersOf(teamId)).toEqual(new Map([[user('alice.smith').id, 4], [bob.id, 4]]));
  expect(emulator.usersMatching('bob@example.com')).toHaveLength(1);
});

test('existing objects are imported by email, name, org_id/user_id and team_id/user_id', async () => {
  const dave = await admin.ok('POST', '/api/admin/users', { login: 'dave', email: 'dave@example.com', name: 'Dave', password: 'unknown-to-terraform' });
  const ops = await admin.ok('POST', '/api/teams', { name: 'Ops', email: '' });
  await admin.ok('POST', `/api/teams/${ops.teamId}/members`, { userId: dave.id });
  await admin.ok('PATCH', `/api/orgs/1/users/${dave.id}`, { role: 'Editor' });
  const imported = `
resource "biaccess_grafana_user" "dave" {
  email    = "dave@example.com"
  login    = "dave"
  name     = "Dave"
  password = "dave-password"
}

resource "biaccess_grafana_org_member" "dave" {
  user_id = biaccess_grafana_user.dave.id
  role    = "Editor"
}

resource "biaccess_grafana_team" "ops" {
  name = "Ops"
}

resource "biaccess_grafana_team_member" "dave" {
  team_id = biaccess_grafana_team.ops.id
  user_id = biaccess_grafana_user.dave.id
}

resource "biaccess_grafana_team_member" "carol" {
  team_id = data.biaccess_grafana_team.shared.id
  user_id = ${carolId}
}

import {
  to = biaccess_grafana_team.ops
  id = "Ops"
}

import {
  to = biaccess_grafana_org_member.dave
  id = "1/${dave.id}"
}

import {
  to = biaccess_grafana_team_member.dave
  id = "${ops.teamId}/${dave.id}"
}

import {
  to = biaccess_grafana_team_member.carol
  id = "${sharedTeamId}/${carolId}"
}
`;
  workspace.write('main.tf', configuration({ ...desired, extra: imported }));
  const cli = await workspace.terraform(['import', 'biaccess_grafana_user.dave', 'dave@example.com']);
  expect(cli.stdout).toContain('Import successful');
  const plan = await workspace.terraform(['plan']);
  expect(plan.stdout).toContain('Plan: 4 to import, 0 to add, 1 to change, 0 to destroy');
  // Grafana never returns a password: an imported user gets the declared one.
  expect(plan.stdout).toMatch(/biaccess_grafana_user.dave will be updated in-place[\s\S]*password\s+= \(sensitive value\)/);
  await apply({ ...desired, extra: imported });
  expect(user('dave')).toMatchObject({ id: dave.id, password: 'dave-password' });
  expect((await state()).get('biaccess_grafana_team.ops')).toMatchObject({ id: String(ops.teamId), name: 'Ops', email: null });
  const again = await workspace.terraform(['plan', '-detailed-exitcode']);
  expect(again.stdout).toContain('No changes');
});

test('destroy removes exactly what Terraform manages; hand-made users, teams and members stay', async () => {
  const platformId = Number((await state()).get('biaccess_grafana_team.platform')?.id);
  const result = await workspace.terraform(['destroy', '-auto-approve']);
  expect(result.stdout).toContain('Destroy complete!');
  expect(emulator.usersMatching('alice.smith')).toEqual([]);
  expect(emulator.usersMatching('bob@example.com')).toEqual([]);
  expect(emulator.usersMatching('dave')).toEqual([]);
  expect((await admin.get(`/api/teams/${platformId}`)).status).toBe(404);
  // The shared team lost exactly its 30 declared members (and carol, imported into management).
  const remaining = [...membersOf(sharedTeamId).keys()];
  expect(remaining.some((id) => sharedMemberIds.includes(id))).toBe(false);
  expect(remaining.length).toBeGreaterThan(3);
  expect(remaining.every((id) => bystanderIds.includes(id) || id === 1)).toBe(true);
  expect(emulator.usersMatching('member1')).toHaveLength(1);
  expect((await state()).size).toBe(0);
});

// Sisense under load and failure with the real Terraform. Dashboard shares, data-model
// permissions and a user's groups are lists Sisense writes whole: first shown to lose entries when
// written the naive way (read, append, write) by concurrent writers, then 20 shares of one
// dashboard, 20 permissions of one model and 20 memberships of one user applied at once, all
// present once each, the share writes batched and each followed by a publish; then the same stack
// applied while a fifth of all calls fail.
import { SisenseEmulator, SISENSE_ADMIN_TOKEN, type StoredDashboard, type StoredDataModel } from '../../src/vendors/sisense/emulator';
import { providerBlock, TerraformWorkspace } from '../support/terraform';

jest.setTimeout(240_000);

const COUNT = 20;
const emulator = new SisenseEmulator();
let workspace: TerraformWorkspace;
let dashboard: StoredDashboard;
let model: StoredDataModel;
let ownerId: string;
let bystanderId: string;

const state = () => emulator.snapshotState();
const shares = () => state().dashboards.find((candidate) => candidate.oid === dashboard.oid)!;
const modelShares = () => state().dataModels.find((candidate) => candidate.oid === model.oid)!.shares;

async function sisense(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { Authorization: `Bearer ${SISENSE_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const configuration = () =>
  providerBlock(`  sisense {\n    url   = "${emulator.url}"\n    token = "${SISENSE_ADMIN_TOKEN}"\n  }`) +
  `
resource "biaccess_sisense_user" "many" {
  email = "many@example.com"
}

resource "biaccess_sisense_group" "team" {
  count = ${COUNT}
  name  = "team-\${count.index}"
}

resource "biaccess_sisense_group_member" "many" {
  count    = ${COUNT}
  group_id = biaccess_sisense_group.team[count.index].id
  user_id  = biaccess_sisense_user.many.id
}

resource "biaccess_sisense_dashboard_share" "team" {
  count        = ${COUNT}
  dashboard_id = "${dashboard.oid}"
  group_id     = biaccess_sisense_group.team[count.index].id
  rule         = count.index % 2 == 0 ? "view" : "edit"
}

resource "biaccess_sisense_data_model_share" "team" {
  count         = ${COUNT}
  data_model_id = "${model.oid}"
  group_id      = biaccess_sisense_group.team[count.index].id
  permission    = count.index % 2 == 0 ? "use" : "read"
}
`;

/** Group ids by team index, from Sisense. */
function teams(): string[] {
  const groups = state().groups;
  return Array.from({ length: COUNT }, (_, index) => {
    const found = groups.filter((group) => group.name === `team-${index}`);
    expect(found).toHaveLength(1);
    return found[0]._id;
  });
}

function expectEverythingOnce(): void {
  const ids = teams();
  const many = state().users.filter((user) => user.email === 'many@example.com');
  expect(many).toHaveLength(1);
  expect([...many[0].groups].sort()).toEqual([...ids].sort()); // every membership, none twice
  const current = shares();
  expect(current.shares.slice(0, 2)).toEqual([
    { shareId: ownerId, type: 'user', subscribe: false },
    { shareId: bystanderId, type: 'user', rule: 'view', subscribe: false },
  ]);
  expect(current.shares).toHaveLength(COUNT + 2);
  ids.forEach((id, index) => expect(current.shares.filter((share) => share.shareId === id)).toEqual([{ shareId: id, type: 'group', rule: index % 2 === 0 ? 'view' : 'edit', subscribe: false }]));
  expect(current.publishedShares).toEqual(current.shares);
  expect(modelShares()[0]).toEqual({ partyId: bystanderId, type: 'user', permission: 'a' });
  expect(modelShares()).toHaveLength(COUNT + 1);
  ids.forEach((id, index) => expect(modelShares().filter((share) => share.partyId === id)).toEqual([{ partyId: id, type: 'group', permission: index % 2 === 0 ? 'r' : 'a' }]));
}

beforeAll(async () => {
  await emulator.start();
  model = emulator.addDataModel('Sales', 'extract');
  ownerId = emulator.addUser('owner@example.com', { role: 'contributor', password: 'owner-password' })._id;
  bystanderId = emulator.addUser('bystander@example.com')._id;
  dashboard = emulator.addDashboard('Sales Overview', { owner: ownerId, dataModel: model });
  workspace = await TerraformWorkspace.create({ inProcess: true });
  workspace.write('main.tf', configuration());
  await workspace.terraform(['init']);
});

afterAll(async () => {
  emulator.clearFaults();
  await workspace?.remove();
  await emulator.stop();
});

beforeEach(async () => {
  // The entries nobody declares: they must survive everything below.
  await sisense('POST', `/api/shares/dashboard/${dashboard.oid}?adminAccess=true`, {
    sharesTo: [
      { shareId: ownerId, type: 'user', subscribe: false },
      { shareId: bystanderId, type: 'user', rule: 'view', subscribe: false },
    ],
  });
  await sisense('PUT', '/api/elasticubes/localhost/Sales/permissions', [{ partyId: bystanderId, type: 'user', permission: 'a' }]);
});

test('the race exists: 20 concurrent writers that read the share list, append and write it back lose entries', async () => {
  const users = Array.from({ length: COUNT }, (_, index) => emulator.addUser(`racer-${index}@example.com`)._id);
  emulator.setFaults({ latencyMs: 10 });
  try {
    await Promise.all(
      users.map(async (userId) => {
        const { sharesTo } = await sisense('GET', `/api/shares/dashboard/${dashboard.oid}?adminAccess=true`);
        const entries = sharesTo.map(({ shareId, type, rule, subscribe }: any) => ({ shareId, type, rule, subscribe }));
        await sisense('POST', `/api/shares/dashboard/${dashboard.oid}?adminAccess=true`, { sharesTo: [...entries, { shareId: userId, type: 'user', rule: 'view' }] });
      }),
    );
  } finally {
    emulator.clearFaults();
  }
  const landed = shares().shares.filter((share) => users.includes(share.shareId)).length;
  console.log(`Naive read-append-write of ${COUNT} shares by concurrent writers: ${landed} of ${COUNT} survived`);
  expect(landed).toBeLessThan(COUNT);
});

test(`${COUNT} shares of one dashboard, ${COUNT} permissions of one model and ${COUNT} memberships of one user applied at once all exist once each, share writes batched`, async () => {
  emulator.clearRequestLog();
  const apply = await workspace.terraform(['apply', '-auto-approve']); // default parallelism (10)
  expect(apply.stdout).toContain(`Resources: ${COUNT * 4 + 1} added`);
  expectEverythingOnce();
  const shareWrites = emulator.countRequests({ method: 'POST', path: `/api/shares/dashboard/${dashboard.oid}` });
  const publishes = emulator.countRequests({ method: 'POST', path: `/api/v1/dashboards/${dashboard.oid}/publish` });
  const modelWrites = emulator.countRequests({ method: 'PUT', path: '/api/elasticubes/localhost/Sales/permissions' });
  const userWrites = emulator.countRequests({ method: 'PATCH', path: /^\/api\/v1\/users\// });
  console.log(
    `Apply of ${COUNT} dashboard shares, ${COUNT} model permissions and ${COUNT} memberships of one user: ` +
      `${shareWrites} share-list writes and ${publishes} publishes, ${modelWrites} model-permission writes, ${userWrites} user-groups writes; ${emulator.countRequests()} requests in all`,
  );
  expect(shareWrites).toBeLessThanOrEqual(COUNT / 2);
  expect(publishes).toBe(shareWrites);
  expect(modelWrites).toBeLessThanOrEqual(COUNT / 2);
  expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'])).code).toBe(0);

  emulator.clearRequestLog();
  await workspace.terraform(['destroy', '-auto-approve']);
  const destroyWrites = emulator.countRequests({ method: 'POST', path: `/api/shares/dashboard/${dashboard.oid}` });
  console.log(`Destroy of the same: ${destroyWrites} share-list writes, ${emulator.countRequests({ method: 'POST', path: `/api/v1/dashboards/${dashboard.oid}/publish` })} publishes`);
  expect(shares().shares).toEqual([
    { shareId: ownerId, type: 'user', subscribe: false },
    { shareId: bystanderId, type: 'user', rule: 'view', subscribe: false },
  ]);
  expect(shares().publishedShares).toEqual(shares().shares);
  expect(modelShares()).toEqual([{ partyId: bystanderId, type: 'user', permission: 'a' }]);
  expect(state().users.some((user) => user.email === 'many@example.com')).toBe(false);
});

test('with 20% of calls failing (500 and 429 with Retry-After), the same stack converges with nothing lost or duplicated', async () => {
  emulator.clearRequestLog();
  emulator.setFaults({ failureRate: 0.2, failureStatuses: [500, 429], retryAfterSeconds: 1, seed: 7 });
  let apply;
  try {
    apply = await workspace.terraform(['apply', '-auto-approve']);
  } finally {
    emulator.clearFaults();
  }
  expect(apply.stdout).toContain(`Resources: ${COUNT * 4 + 1} added`);
  const faulted = emulator.countRequests({ faulted: true });
  console.log(`Apply with 20% faults: ${faulted} of ${emulator.countRequests()} requests failed on purpose`);
  expect(faulted).toBeGreaterThan(0);
  expectEverythingOnce();
  expect((await workspace.terraform(['plan', '-refresh-only', '-detailed-exitcode'])).code).toBe(0);
});

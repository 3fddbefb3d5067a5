// biaccess_sisense_dashboard_share: a dashboard shared with a user or a group, with a rule. The
// whole share list is rewritten under the dashboard's lock (the owner's entry and every entry
// nobody declared kept) and the dashboard is republished, without which recipients see nothing.
import { grantResource } from '../../access/resources';
import { AttributeError, known } from '../../framework/definitions';
import { exactlyOneOf, oneOf } from '../../framework/validators';
import { RULE_OF_LEVEL, sisenseAccess } from './access';
import { SISENSE_ID, sisenseIdValidator, type ShareRule, type SisenseApi } from './client';
import { shareId } from './share-id';
import { checkPrincipal } from './share-principal';

export interface DashboardShareModel {
  id: string;
  dashboard_id: string;
  user_id: string | null;
  group_id: string | null;
  rule: ShareRule;
  subscribe: boolean;
}

const RULES: ShareRule[] = ['view', 'edit', 'co-owner'];
const RULE_BY_LEVEL = RULE_OF_LEVEL as Record<string, ShareRule>;
const LEVEL_BY_RULE = Object.fromEntries(Object.entries(RULE_OF_LEVEL).map(([level, rule]) => [rule, level])) as Record<ShareRule, 'view' | 'edit' | 'admin'>;

export const dashboardShare = grantResource<DashboardShareModel, SisenseApi>({
  typeName: 'biaccess_sisense_dashboard_share',
  description:
    'Shares a Sisense dashboard with a user or a group. The dashboard\'s whole share list is read, merged and written back under a per-dashboard lock ' +
    '(the owner\'s entry and every share nobody declared are kept; shares of one dashboard changed in one run are written together), then the dashboard ' +
    'is republished so that recipients see the change. Dashboards owned by other users are shared as an admin (`adminAccess`). ' +
    'Sharing a dashboard does not share its data model: recipients also need a biaccess_sisense_data_model_share on it. ' +
    'A share removed or changed by hand shows as drift and is restored by the next apply.',
  attributes: {
    id: { type: 'string', computed: true, description: '`dashboard_id/user/<user_id>` or `dashboard_id/group/<group_id>`.' },
    dashboard_id: { type: 'string', required: true, forceNew: true, validators: [sisenseIdValidator], description: 'Dashboard oid (see data "biaccess_sisense_dashboard").' },
    user_id: { type: 'string', optional: true, forceNew: true, validators: [sisenseIdValidator], description: 'The user it is shared with (exactly one of user_id and group_id).' },
    group_id: { type: 'string', optional: true, forceNew: true, validators: [sisenseIdValidator], description: 'The group it is shared with (exactly one of user_id and group_id).' },
    rule: { type: 'string', default: 'view', validators: [oneOf(RULES)], description: '`view` (Viewer), `edit` (Designer) or `co-owner`. Changes in place.' },
    subscribe: { type: 'bool', default: false, description: 'Whether the recipient receives the dashboard\'s scheduled e-mail reports. Changes in place.' },
  },
  rules: [exactlyOneOf(['user_id', 'group_id'])],
  id: shareId('dashboard_id', SISENSE_ID),
  adapter: sisenseAccess,
  grant: (model) => ({
    object: { kind: 'dashboard', id: model.dashboard_id },
    principal: model.user_id ? { kind: 'user', id: model.user_id } : { kind: 'group', id: model.group_id! },
    level: LEVEL_BY_RULE[model.rule] ?? 'view',
    detail: { subscribe: model.subscribe === true },
  }),
  model: (grant) => ({
    id: '',
    dashboard_id: grant.object.id,
    user_id: grant.principal.kind === 'user' ? grant.principal.id : null,
    group_id: grant.principal.kind === 'group' ? grant.principal.id : null,
    rule: RULE_BY_LEVEL[grant.level] ?? 'view',
    subscribe: grant.detail?.subscribe === true,
  }),
  attributeFor: (subject, model) => (subject === 'object' ? 'dashboard_id' : subject === 'level' ? 'rule' : model.user_id ? 'user_id' : 'group_id'),

  async plan({ client }, { planned }) {
    if (!planned) return;
    const dashboardId = known(planned.dashboard_id);
    const dashboard = dashboardId !== undefined && SISENSE_ID.pattern.test(dashboardId) ? await client.findDashboard(dashboardId) : undefined;
    if (dashboardId !== undefined && SISENSE_ID.pattern.test(dashboardId) && !dashboard) {
      throw new AttributeError('dashboard_id', `Sisense has no dashboard with oid ${dashboardId}. Look it up with data "biaccess_sisense_dashboard" (by id or title).`);
    }
    const userId = await checkPrincipal(client, planned);
    if (dashboard && userId === dashboard.owner) {
      throw new AttributeError('user_id', `User ${userId} owns dashboard ${dashboard.oid} ("${dashboard.title}"); an owner is not shared their own dashboard.`);
    }
  },
});

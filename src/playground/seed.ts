import type { App } from '../app.js';
import type { Config } from '../config.js';
import { isoDateIn } from '../conversation/format.js';
import { addMonths, monthOf } from '../domain/dues.js';
import type { Caller, ServiceDeps } from '../services/context.js';
import { DuesService } from '../services/dues.js';
import { CAST, SAMPLE_CELL, SAMPLE_GROUP, telegramUser, type CastMember } from './cast.js';

/** The last day of a month ("2026-05" → "2026-05-31"). */
const lastDayOf = (month: string): string => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

const displayName = (m: CastMember): string => {
  if (m.channel !== 'telegram') return m.fullName;
  const u = telegramUser(m);
  return [u.first_name, u.last_name].filter(Boolean).join(' ');
};

export function serviceDepsOf(app: App, config: Config): ServiceDeps {
  return {
    store: app.store,
    repos: app.repos,
    clock: app.core.clock,
    translator: app.core.translator,
    settings: { defaultTimezone: config.DEFAULT_TIMEZONE, defaultLocale: config.DEFAULT_LOCALE, inviteTtlDays: config.INVITE_TTL_DAYS },
  };
}

/**
 * Builds the sample cell through the real services, as the secretary would in the chat: the
 * cell, an invite, each person's join request and its approval, roles, probation, exemptions,
 * the dues collector, each member's dues basis, and the linked Telegram group. Returns the cell id.
 */
export function seedSampleCell(app: App, config: Config): number {
  const { services } = app.core;
  const deps = serviceDepsOf(app, config);
  const now = deps.clock.now();
  const today = isoDateIn(now, config.DEFAULT_TIMEZONE);
  const thisMonth = monthOf(today);
  const [secretary, ...others] = CAST;
  if (!secretary || secretary.role !== 'secretary') throw new Error('the cast must start with the secretary');

  const cell = services.cells.createFromCli({ name: SAMPLE_CELL.name, superiorName: SAMPLE_CELL.superior, secretaryName: secretary.fullName, channel: secretary.channel, externalId: secretary.externalId });
  const account = app.repos.people.account(secretary.channel, secretary.externalId);
  if (!account) throw new Error('the secretary has no account');
  const sec: Caller = { personId: account.personId, channel: account.channel, externalId: account.externalId, isAdmin: services.identity.isAdminPerson(account.personId) };
  services.identity.touch(secretary.channel, secretary.externalId, displayName(secretary));

  const { invite } = services.invites.create(sec, cell.id, { maxUses: null });
  const memberIds = new Map<string, number>();
  const secretaryMember = app.repos.members.inCell(cell.id, sec.personId);
  if (secretaryMember) memberIds.set(secretary.key, secretaryMember.id);
  for (const m of others) {
    const person = services.identity.touch(m.channel, m.externalId, displayName(m));
    const pending = services.invites.requestJoin(person.personId, invite.id, m.fullName);
    services.invites.decide(sec, pending.id, true);
    memberIds.set(m.key, pending.id);
  }
  services.invites.revoke(sec, invite.id);

  const dues = new DuesService(deps, services.access, services.settings);
  for (const m of CAST) {
    const id = memberIds.get(m.key);
    if (id === undefined) continue;
    if (m.role !== 'member' && m.role !== 'secretary') services.members.setRole(sec, id, m.role);
    if (m.collectsDues) services.members.setCollectsDues(sec, id, true);
    if (m.membership === 'probationary') services.members.setMembership(sec, id, 'probationary', `${addMonths(thisMonth, -(m.probationaryMonths ?? 1))}-01`);
    if (m.exemption) {
      const from = addMonths(thisMonth, -m.exemption.monthsAgo);
      const to = m.exemption.months === null ? null : lastDayOf(addMonths(from, m.exemption.months - 1));
      services.members.addExemption(sec, id, m.exemption.kind, `${from}-01`, to);
    }
    services.members.setDuesCategory(sec, id, m.dues.category);
    dues.setBasis(sec, id, { fromMonth: thisMonth, category: m.dues.category, incomeBase: m.dues.incomeBase, fixedAmount: null });
  }
  services.cells.linkGroup(sec, cell.id, String(SAMPLE_GROUP.id));
  return cell.id;
}

import { DomainError } from '../domain/errors.js';
import { inQuarterOf, invitationTime, isThematic, patternsFrom, planWarnings, type MeetingKind, type PlanWarning, type RecurrencePattern, type RsvpAnswer } from '../domain/meetings.js';
import { localIso, monthOf, zonedInstant } from '../domain/meetings-time.js';
import type { AttendeeRow, MeetingRow, MeetingRuleRow } from '../store/repos/meetings.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Caller } from './context.js';
import { MeetingBase } from './meetings-base.js';
import { changeNotice, detailLines, invitation, meetingTitle, type ChangeKind } from './meetings-messages.js';

export interface MeetingDraft {
  kind: MeetingKind;
  withThematic: boolean;
  date: string; // ISO, cell zone
  time: string; // HH:MM
  durationMinutes: number;
  place: string | null;
  onlineLink: string | null;
  agenda: string | null;
}

export type Recurrence = 'dayOfMonth' | 'nthWeekday' | null;

export interface MeetingListItem {
  meeting: MeetingRow;
  mine: AttendeeRow | undefined;
  counts: { attend: number; absent: number; maybe: number; none: number };
}

const MAX_TEXT = 500;

/** Times an invitation that could not be delivered is sent again, at most (each after the person came back). */
const RESEND_LIMIT = 3;

/** Checks free text (place, agenda, reason): trimmed, 2–500 characters, or refused. */
export function cleanText(input: string | null, required = false): string | null {
  const v = (input ?? '').trim();
  if (v === '') {
    if (required) throw new DomainError('MEETING.TEXT_INVALID');
    return null;
  }
  if (v.length < 2 || v.length > MAX_TEXT) throw new DomainError('MEETING.TEXT_INVALID');
  return v;
}

/** A link to an online meeting or a material: http(s) only. */
export function cleanLink(input: string): string {
  const v = input.trim();
  if (!/^https?:\/\/\S+$/i.test(v) || !URL.canParse(v) || v.length > 500) throw new DomainError('MEETING.LINK_INVALID');
  return v;
}

/**
 * Meetings: planning (with the rules' warnings), invitations, answers, reasons, changes that
 * notify everyone invited, the recurring regular meeting, and what /lichhop lists.
 */
export class MeetingService extends MeetingBase {
  /** What the meeting would be: its start and the rules' warnings, before anything is written. */
  preview(caller: Caller, cellId: number, draft: MeetingDraft): { startsAt: number; warnings: PlanWarning[] } {
    this.m.access.require(caller, cellId, 'meeting.manage');
    return this.plan(cellId, draft);
  }

  private plan(cellId: number, draft: MeetingDraft, ignoreId?: number): { startsAt: number; warnings: PlanWarning[] } {
    const cell = this.cell(cellId);
    const tz = cell.timezone;
    const startsAt = zonedInstant(draft.date, draft.time, tz);
    const now = this.now();
    if (startsAt <= now) throw new DomainError('MEETING.PAST');
    if (!Number.isInteger(draft.durationMinutes) || draft.durationMinutes < 15 || draft.durationMinutes > 600) throw new DomainError('MEETING.DURATION_INVALID');
    const s = this.settingsOf(cellId);
    const inviteAt = invitationTime(now, startsAt, tz, { from: s.quietFrom, to: s.quietTo });
    const warnings = planWarnings({ ...draft, startsAt }, inviteAt, tz, this.rulesAt(startsAt, tz), this.thematicInQuarter(cellId, startsAt, ignoreId));
    return { startsAt, warnings };
  }

  /** Whether the quarter of `at` already has a thematic meeting held or planned. */
  thematicInQuarter(cellId: number, at: number, ignoreId?: number): boolean {
    const tz = this.cell(cellId).timezone;
    const iso = localIso(at, tz);
    const around = this.m.repo.notCancelledBetween(cellId, at - 100 * 86_400_000, at + 100 * 86_400_000);
    return around.some((x) => x.id !== ignoreId && isThematic(x) && inQuarterOf(x.startsAt, iso, tz));
  }

  /** Creates the meeting, invites everyone expected, posts the group card and notifies the superior contact. */
  async create(caller: Caller, cellId: number, draft: MeetingDraft, recurrence: Recurrence = null): Promise<{ meeting: MeetingRow; warnings: PlanWarning[]; invited: number }> {
    this.m.access.require(caller, cellId, 'meeting.manage');
    const clean = this.cleanDraft(draft);
    const { startsAt, warnings } = this.plan(cellId, clean);
    if (recurrence && clean.kind !== 'regular') throw new DomainError('MEETING.RULE_NOT_FOUND');
    const now = this.now();
    const tz = this.cell(cellId).timezone;
    const meeting = this.m.deps.store.db.transaction(() => {
      let ruleId: number | null = null;
      if (recurrence) {
        const pattern = patternsFrom(clean.date)[recurrence];
        ruleId = this.saveRule(caller, cellId, pattern, clean).id;
      }
      const row = this.m.repo.insert({
        cellId,
        kind: clean.kind,
        withThematic: clean.kind === 'regular' && clean.withThematic,
        startsAt,
        durationMinutes: clean.durationMinutes,
        place: clean.place,
        onlineLink: clean.onlineLink,
        agenda: clean.agenda,
        ruleId,
        seriesKey: ruleId ? `rule:${ruleId}:${monthOf(localIso(startsAt, tz))}` : null,
        checkInSecret: MeetingBase.newSecret(),
        createdBy: caller.personId,
        createdAt: now,
        updatedAt: now,
      });
      this.audit(caller, cellId, 'meeting.create', { meeting: row.id, kind: row.kind, recurring: ruleId !== null });
      return row;
    });
    const invited = await this.inviteAll(meeting);
    return { meeting: this.meeting(meeting.id), warnings, invited };
  }

  private cleanDraft(d: MeetingDraft): MeetingDraft {
    return { ...d, place: cleanText(d.place), onlineLink: d.onlineLink ? cleanLink(d.onlineLink) : null, agenda: cleanText(d.agenda) };
  }

  private saveRule(caller: Caller, cellId: number, p: RecurrencePattern, d: MeetingDraft): MeetingRuleRow {
    for (const old of this.m.repo.activeRules(cellId)) this.m.repo.updateRule(old.id, { active: false });
    return this.m.repo.insertRule({
      cellId,
      pattern: p.type,
      day: p.type === 'dayOfMonth' ? p.day : null,
      nth: p.type === 'nthWeekday' ? p.nth : null,
      weekday: p.type === 'nthWeekday' ? p.weekday : null,
      time: d.time,
      durationMinutes: d.durationMinutes,
      withThematic: d.withThematic,
      place: d.place,
      onlineLink: d.onlineLink,
      agenda: d.agenda,
      createdBy: caller.personId,
      createdAt: this.now(),
    });
  }

  /** Persons whose invitation to a meeting (by id) is known to be delivered: the tick stops looking them up. */
  private readonly delivered = new Map<number, Set<number>>();

  /**
   * Invites everyone expected who has not been invited yet (quiet hours respected when there is
   * time), posts or refreshes the group card, and tells the superior contact the first time.
   * A member the bot cannot write to yet (imported, no chat account) stays due: the first call
   * after they join (the next tick) invites them. Each person is invited once (the outbox key),
   * and an invitation that could not be delivered goes again once the person can be reached.
   * Returns how many invitations were queued.
   */
  async inviteAll(meeting: MeetingRow): Promise<number> {
    const cell = this.cell(meeting.cellId);
    const s = this.settingsOf(cell.id);
    const now = this.now();
    const at = invitationTime(now, meeting.startsAt, cell.timezone, { from: s.quietFrom, to: s.quietTo });
    const keys = this.m.repo.outboxKeys(`mtg:${meeting.id}:inv:`);
    const active = this.repos.members.list(cell.id, ['active']);
    const { rows, due, changed } = this.rosterSync(meeting, this.rosterMembers(meeting, active));
    const names = new Map(active.map((x) => [x.id, x.fullName]));
    const send = (row: AttendeeRow, n: number): boolean =>
      this.send(row.personId, cell.id, MeetingBase.invitationKey(meeting.id, row.personId, n), (t, locale) => invitation(t, locale, meeting, cell.timezone, cell.name, names.get(row.memberId) ?? ''), { at, bulk: true });
    let queued = 0;
    await this.inChunks(due, (row) => {
      // Already invited as this person (by another process, or under an earlier membership): only the flag is missing.
      const already = keys.has(MeetingBase.invitationKey(meeting.id, row.personId));
      const sent = !already && send(row, 0);
      if (sent) queued++;
      if (already || sent) this.m.repo.updateAttendee(row.id, { invited: true, updatedAt: now });
    });
    // Rows invited just now are not among `rows` as invited: only earlier invitations are looked at.
    await this.inChunks(this.undelivered(meeting, rows, keys), ({ row, n }) => {
      if (send(row, n)) queued++;
    });
    if (meeting.invitedAt === null) this.m.repo.update(meeting.id, { invitedAt: at });
    if (changed || queued > 0 || meeting.invitedAt === null) this.refreshCard(this.meeting(meeting.id));
    if (meeting.superiorNotifiedAt === null) this.notifySuperior(meeting);
    return queued;
  }

  /**
   * Invited rows whose latest invitation could not be delivered (the person had blocked the bot,
   * say) and whose person can be reached now: they wrote to the bot since, or have another channel
   * that works. Each try has its own key (`n`), at most RESEND_LIMIT of them.
   */
  private undelivered(meeting: MeetingRow, rows: readonly AttendeeRow[], keys: ReadonlySet<string>): { row: AttendeeRow; n: number }[] {
    const known = this.delivered.get(meeting.id) ?? new Set<number>();
    this.delivered.set(meeting.id, known);
    // None to this person (n = 0): the membership moved to them after its invitation (a linked account), which reached them.
    const open = rows
      .filter((row) => row.expected && row.invited && !known.has(row.personId))
      .map((row) => ({ row, n: MeetingBase.invitationCount(keys, meeting.id, row.personId) }))
      .filter(({ n }) => n > 0);
    if (open.length === 0) return [];
    // A few are looked up one by one; many (on the first tick after the bot starts) in one read of all the invitations.
    const all = open.length > 50 ? new Map(this.repos.outbox.byKeyPrefix(`mtg:${meeting.id}:inv:`).map((r) => [r.idempotencyKey, r])) : null;
    const out: { row: AttendeeRow; n: number }[] = [];
    for (const { row, n } of open) {
      const key = MeetingBase.invitationKey(meeting.id, row.personId, n - 1);
      const last = all ? all.get(key) : this.repos.outbox.byKey(key);
      if (last?.status === 'sent') known.add(row.personId);
      if (last?.status !== 'failed' || n > RESEND_LIMIT) continue;
      const account = this.m.notifier.accountFor(row.personId);
      if (!account?.reachable) continue;
      const elsewhere = account.channel !== last.channel || account.externalId !== last.chatId;
      if (elsewhere || (account.lastSeenAt ?? 0) > last.nextAttemptAt) out.push({ row, n });
    }
    return out;
  }

  /**
   * The superior committee's contact, when it is a chat the bot can write to ("telegram:<id>",
   * "zalo:<id>" or a Telegram numeric id): the notice goes there and the meeting records it.
   * Any other contact (a name, a phone number) is for the secretary, who ticks it by hand.
   */
  private notifySuperior(meeting: MeetingRow): void {
    const cell = this.cell(meeting.cellId);
    const target = superiorTarget(this.settingsOf(cell.id).superiorContact);
    if (!target) return;
    const t = this.m.deps.translator.for(cell.locale);
    const now = this.now();
    const text = [t('meetings.superior.notice', { cell: cell.name, title: meetingTitle(t, meeting, cell.timezone) }), ...detailLines(t, cell.locale, meeting, cell.timezone)].join('\n');
    this.repos.outbox.enqueue({
      cellId: cell.id,
      personId: null,
      channel: target.channel,
      chatId: target.chatId,
      payload: { text, locale: cell.locale },
      idempotencyKey: `mtg:${meeting.id}:superior:${meeting.startsAt}`,
      essential: true,
      nextAttemptAt: now,
      createdAt: now,
    });
    this.m.repo.update(meeting.id, { superiorNotifiedAt: now, superiorNotifiedVia: 'contact', superiorNotifiedBy: null });
  }

  /** The secretary's tick: the superior committee was told another way. */
  markSuperiorNotified(caller: Caller, meetingId: number): MeetingRow {
    const { meeting } = this.visible(caller, meetingId, 'meeting.manage');
    const now = this.now();
    const updated = this.m.repo.update(meeting.id, { superiorNotifiedAt: now, superiorNotifiedVia: 'tick', superiorNotifiedBy: caller.personId, updatedAt: now }) as MeetingRow;
    this.audit(caller, meeting.cellId, 'meeting.superiorNotified', { meeting: meeting.id });
    return updated;
  }

  /** The superior notice's state for the meeting view: sent to the contact, ticked, failed, or not yet. */
  superiorState(meeting: MeetingRow): 'sent' | 'queued' | 'failed' | 'ticked' | 'none' {
    if (meeting.superiorNotifiedVia === 'tick') return 'ticked';
    if (meeting.superiorNotifiedVia !== 'contact') return 'none';
    const row = this.repos.outbox.byKey(`mtg:${meeting.id}:superior:${meeting.startsAt}`);
    return row?.status === 'sent' ? 'sent' : row?.status === 'failed' ? 'failed' : 'queued';
  }

  // ---- changes

  /** Moves the meeting; everyone invited is told, and reminders follow the new time. */
  async reschedule(caller: Caller, meetingId: number, date: string, time: string, durationMinutes?: number): Promise<{ meeting: MeetingRow; warnings: PlanWarning[] }> {
    const meeting = this.changeable(caller, meetingId);
    const duration = durationMinutes ?? meeting.durationMinutes;
    const { startsAt, warnings } = this.plan(meeting.cellId, { kind: meeting.kind, withThematic: meeting.withThematic, date, time, durationMinutes: duration, place: null, onlineLink: null, agenda: null }, meeting.id);
    const updated = this.m.repo.update(meeting.id, { startsAt, durationMinutes: duration, superiorNotifiedAt: null, superiorNotifiedVia: null, superiorNotifiedBy: null, updatedAt: this.now() }) as MeetingRow;
    this.audit(caller, meeting.cellId, 'meeting.reschedule', { meeting: meeting.id });
    await this.notifyChange(updated, 'rescheduled', meeting.startsAt);
    await this.inviteAll(updated);
    return { meeting: this.meeting(meeting.id), warnings };
  }

  async editDetails(caller: Caller, meetingId: number, patch: { place?: string | null; onlineLink?: string | null; agenda?: string | null }): Promise<MeetingRow> {
    const meeting = this.changeable(caller, meetingId);
    const clean: Partial<MeetingRow> = {};
    if (patch.place !== undefined) clean.place = cleanText(patch.place);
    if (patch.onlineLink !== undefined) clean.onlineLink = patch.onlineLink ? cleanLink(patch.onlineLink) : null;
    if (patch.agenda !== undefined) clean.agenda = cleanText(patch.agenda);
    const updated = this.m.repo.update(meeting.id, { ...clean, updatedAt: this.now() }) as MeetingRow;
    this.audit(caller, meeting.cellId, 'meeting.edit', { meeting: meeting.id, fields: Object.keys(clean).join(',') });
    await this.notifyChange(updated, 'edited', null);
    return updated;
  }

  /** Adds a material (a title and a link: party documents themselves are never stored). */
  async addMaterial(caller: Caller, meetingId: number, title: string, url: string): Promise<MeetingRow> {
    const meeting = this.changeable(caller, meetingId);
    const material = { title: cleanText(title, true) as string, url: cleanLink(url) };
    if (meeting.materials.length >= 20) throw new DomainError('MEETING.TEXT_INVALID');
    const updated = this.m.repo.update(meeting.id, { materials: [...meeting.materials, material], updatedAt: this.now() }) as MeetingRow;
    this.audit(caller, meeting.cellId, 'meeting.material', { meeting: meeting.id });
    await this.notifyChange(updated, 'materials', null);
    return updated;
  }

  async cancel(caller: Caller, meetingId: number): Promise<MeetingRow> {
    const meeting = this.changeable(caller, meetingId);
    const updated = this.m.repo.transition(meeting.id, 'scheduled', { status: 'cancelled', updatedAt: this.now() });
    if (!updated) throw new DomainError('MEETING.CANCELLED');
    this.audit(caller, meeting.cellId, 'meeting.cancel', { meeting: meeting.id });
    await this.notifyChange(updated, 'cancelled', null);
    return updated;
  }

  private changeable(caller: Caller, meetingId: number): MeetingRow {
    const { meeting } = this.visible(caller, meetingId, 'meeting.manage');
    if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
    if (meeting.status === 'closed') throw new DomainError('MEETING.CLOSED');
    return meeting;
  }

  /** Everyone invited hears of a change privately (on every channel); the group card is edited in place. */
  private async notifyChange(meeting: MeetingRow, change: ChangeKind, previousStart: number | null): Promise<void> {
    const cell = this.cell(meeting.cellId);
    const version = `${change}:${meeting.updatedAt}`;
    this.refreshCard(meeting);
    const invited = this.m.repo.attendees(meeting.id).filter((r) => r.invited);
    await this.inChunks(invited, (row) => {
      this.send(row.personId, cell.id, `mtg:${meeting.id}:chg:${version}:p${row.personId}`, (t, locale) => changeNotice(t, locale, meeting, cell.timezone, change, previousStart), { bulk: true });
    });
  }

  // ---- answers

  /** Tham dự / Vắng / Chưa chắc, changeable until the start. */
  rsvp(caller: Caller, meetingId: number, answer: RsvpAnswer): AttendeeRow {
    const { meeting, member } = this.visible(caller, meetingId);
    this.answerable(meeting);
    const row = this.rowOf(meeting, member);
    const now = this.now();
    const patch = answer === 'absent' ? { rsvp: answer, rsvpAt: now, updatedAt: now } : { rsvp: answer, rsvpAt: now, reason: null, reasonAt: null, verdict: null, verdictBy: null, verdictAt: null, updatedAt: now };
    const updated = this.m.repo.updateAttendee(row.id, patch) as AttendeeRow;
    this.refreshCard(meeting);
    return updated;
  }

  private answerable(meeting: MeetingRow): void {
    if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
    if (meeting.status === 'closed') throw new DomainError('MEETING.CLOSED');
    if (this.now() >= meeting.startsAt) throw new DomainError('MEETING.STARTED');
  }

  /** The member's row at the meeting; someone not on the list (exempt, say) gets one, not expected. */
  protected rowOf(meeting: MeetingRow, member: MemberRow): AttendeeRow {
    const existing = this.m.repo.attendee(meeting.id, member.id);
    if (existing) return existing;
    if (meeting.kind === 'committee' && !['secretary', 'deputy', 'committee'].includes(member.role)) throw new DomainError('MEETING.NOT_INVITED');
    this.syncRoster(meeting);
    const now = this.now();
    return this.m.repo.ensureAttendee({ meetingId: meeting.id, memberId: member.id, personId: member.personId, expected: false, exempt: false, membership: member.membership, createdAt: now, updatedAt: now });
  }

  /**
   * The reason for an absence, before the meeting (with "Vắng") or after it (when asked). The
   * cell decides whether it is valid: the leaders get it with buttons to accept it or not.
   */
  giveReason(caller: Caller, meetingId: number, text: string): AttendeeRow {
    const { meeting, member } = this.visible(caller, meetingId);
    if (meeting.status === 'cancelled') throw new DomainError('MEETING.CANCELLED');
    const reason = cleanText(text, true) as string;
    const row = this.rowOf(meeting, member);
    if (row.status === 'present' || row.status === 'late') throw new DomainError('MEETING.CLOSED');
    const now = this.now();
    const before = meeting.status === 'scheduled' && now < meeting.startsAt;
    const patch = {
      reason,
      reasonAt: now,
      verdict: null,
      verdictBy: null,
      verdictAt: null,
      updatedAt: now,
      ...(before ? { rsvp: 'absent' as const, rsvpAt: row.rsvp === 'absent' ? row.rsvpAt : now } : {}),
      ...(meeting.status === 'closed' ? { status: 'absent' as const } : {}),
    };
    const updated = this.m.repo.updateAttendee(row.id, patch) as AttendeeRow;
    const cell = this.cell(meeting.cellId);
    for (const leader of this.leaders(meeting.cellId)) {
      if (leader.personId === caller.personId) continue;
      this.send(leader.personId, cell.id, `mtg:${meeting.id}:rsn:${row.id}:${now}:p${leader.personId}`, (t) => ({
        text: t('meetings.reason.card', { name: member.fullName, title: meetingTitle(t, meeting, cell.timezone), reason }),
        choices: [[{ label: t('meetings.reason.accept'), action: `mtg:j:${row.id}:1` }, { label: t('meetings.reason.reject'), action: `mtg:j:${row.id}:0` }]],
      }));
    }
    if (before) this.refreshCard(meeting);
    return updated;
  }

  // ---- lists

  /** What /lichhop shows: scheduled meetings from the start of today on, with the caller's answer and the counts. */
  upcoming(caller: Caller, cellId: number): MeetingListItem[] {
    const me = this.m.access.requireMember(caller, cellId, 'meeting.view');
    const tz = this.cell(cellId).timezone;
    const from = zonedInstant(localIso(this.now(), tz), '00:00', tz);
    return this.m.repo
      .scheduledInCell(cellId, from)
      .filter((x) => x.kind !== 'committee' || ['secretary', 'deputy', 'committee'].includes(me.role))
      .map((meeting) => ({ meeting, mine: this.m.repo.attendee(meeting.id, me.id), counts: this.counts(meeting.id) }));
  }

  /** Recently closed meetings, for leaders to reach their reports. */
  recent(caller: Caller, cellId: number): MeetingRow[] {
    this.m.access.require(caller, cellId, 'meeting.attendance');
    return this.m.repo.closedInCell(cellId, this.now() - 62 * 86_400_000);
  }

  /** One meeting with the caller's own row, for its card. */
  view(caller: Caller, meetingId: number): { meeting: MeetingRow; member: MemberRow; mine: AttendeeRow | undefined; counts: MeetingListItem['counts']; canManage: boolean } {
    const { meeting, member } = this.visible(caller, meetingId);
    const canManage = ['secretary', 'deputy'].includes(member.role);
    return { meeting, member, mine: this.m.repo.attendee(meeting.id, member.id), counts: this.counts(meeting.id), canManage };
  }

  /** The active recurring rule of the cell, if any. */
  rule(caller: Caller, cellId: number): MeetingRuleRow | null {
    this.m.access.require(caller, cellId, 'meeting.view');
    return this.m.repo.activeRules(cellId)[0] ?? null;
  }

  stopRule(caller: Caller, ruleId: number): void {
    const rule = this.m.repo.rule(ruleId);
    if (!rule || !rule.active) throw new DomainError('MEETING.RULE_NOT_FOUND');
    this.m.access.require(caller, rule.cellId, 'meeting.manage');
    this.m.repo.updateRule(rule.id, { active: false });
    this.audit(caller, rule.cellId, 'meeting.ruleStop', { rule: rule.id });
  }
}

/** "telegram:123", "zalo:abc", "123456789" → a chat the bot can write to; anything else → null. */
export function superiorTarget(contact: string | null): { channel: 'telegram' | 'zalo'; chatId: string } | null {
  const c = (contact ?? '').trim();
  const m = c.match(/^(telegram|tg|zalo):\s*(\S+)$/i);
  if (m) return { channel: /^zalo$/i.test(m[1] as string) ? 'zalo' : 'telegram', chatId: m[2] as string };
  if (/^[1-9]\d{5,14}$/.test(c)) return { channel: 'telegram', chatId: c };
  return null;
}

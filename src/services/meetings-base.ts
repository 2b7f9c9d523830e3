import { randomBytes } from 'node:crypto';
import type { Locale, Translate } from '../conversation/i18n.js';
import { isLocale } from '../conversation/i18n.js';
import type { OutMessage } from '../conversation/message.js';
import { DomainError } from '../domain/errors.js';
import { attended, type AttendeeFacts } from '../domain/meetings.js';
import { localIso } from '../domain/meetings-time.js';
import { exemptionOn, isExpectedAttendee } from '../domain/members.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { rulesOn, type RuleSet } from '../domain/rules.js';
import type { CellSettings } from '../domain/settings.js';
import type { CellRow } from '../store/repos/cells.js';
import type { AttendeeInsert, AttendeeRow, MeetingRepo, MeetingRow } from '../store/repos/meetings.js';
import type { MemberRow } from '../store/repos/members.js';
import type { OutboxRow } from '../store/repos/outbox.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import { groupCard, type Rsvps } from './meetings-messages.js';
import { serialise, type Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

/** What the meeting services and jobs are built from (constructed in modules.ts). */
export interface MeetingDeps {
  deps: ServiceDeps;
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: MeetingRepo;
}

export interface SendOptions {
  /** When to send (quiet hours); default now. */
  at?: number;
  /** Part of a broadcast: goes after messages to single people. */
  bulk?: boolean;
  /** Dropped instead of sent after this instant (a reminder once the meeting has started). */
  expiresAt?: number;
  /** Essential messages are never held back for a channel's quota. */
  essential?: boolean;
}

const LEADER_ROLES: MemberRow['role'][] = ['secretary', 'deputy'];
const COMMITTEE_ROLES: MemberRow['role'][] = ['secretary', 'deputy', 'committee'];

/** The helpers both meeting services and the tick share: the roster, sending, the group card. */
export class MeetingBase {
  constructor(protected readonly m: MeetingDeps) {}

  protected get repos() {
    return this.m.deps.repos;
  }

  protected now(): number {
    return this.m.deps.clock.now();
  }

  cell(cellId: number): CellRow {
    const cell = this.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  settingsOf(cellId: number): CellSettings['meetings'] {
    return this.m.settings.of(cellId).meetings;
  }

  protected rulesAt(ms: number, tz: string): RuleSet {
    return rulesOn(localIso(ms, tz));
  }

  meeting(id: number): MeetingRow {
    const meeting = this.m.repo.get(id);
    if (!meeting) throw new DomainError('MEETING.NOT_FOUND');
    return meeting;
  }

  /**
   * The meeting as `caller` may see it: members of its cell see the cell's meetings; committee
   * meetings only the committee (and anyone invited to one). Outsiders learn nothing.
   */
  protected visible(caller: Caller, id: number, action: PrivilegedAction = 'meeting.view'): { meeting: MeetingRow; member: MemberRow } {
    const meeting = this.m.repo.get(id);
    if (!meeting) throw new DomainError('MEETING.NOT_FOUND');
    const member = this.m.access.requireMember(caller, meeting.cellId, action);
    if (meeting.kind === 'committee' && !COMMITTEE_ROLES.includes(member.role) && !this.m.repo.attendee(meeting.id, member.id)) throw new DomainError('MEETING.NOT_FOUND');
    return { meeting, member };
  }

  /** Active members the meeting is about: the whole cell, or its committee for a committee meeting. */
  protected rosterMembers(meeting: Pick<MeetingRow, 'cellId' | 'kind'>, all: MemberRow[] = this.repos.members.list(meeting.cellId, ['active'])): MemberRow[] {
    return meeting.kind === 'committee' ? all.filter((x) => COMMITTEE_ROLES.includes(x.role)) : all;
  }

  /** Roster fingerprints already synced, per meeting and start: the tick skips unchanged rosters. */
  private readonly synced = new Map<number, string>();

  /**
   * Brings the meeting's rows in line with the roster on the meeting's date: adds members who
   * joined, re-reads who is expected (exemptions, attachment, leaving) and whose person each row
   * is (a personal invite or a linked account moves a membership to another person; the row, keyed
   * by member, stays). Rows of members who left stay, no longer expected. Returns rows expected and
   * not yet invited: invited means an invitation was queued, so a member the bot could not reach
   * yet (no chat account) stays due until it can.
   */
  protected syncRoster(meeting: MeetingRow, roster?: MemberRow[]): AttendeeRow[] {
    return this.rosterSync(meeting, roster).due;
  }

  /** `syncRoster`, also giving every row and saying whether they were re-read (the group card's counts may have moved). */
  protected rosterSync(meeting: MeetingRow, roster: MemberRow[] = this.rosterMembers(meeting)): { rows: AttendeeRow[]; due: AttendeeRow[]; changed: boolean } {
    const fingerprint = `${meeting.startsAt}:${this.m.repo.rosterFingerprint(meeting.cellId)}`;
    const rows = new Map(this.m.repo.attendees(meeting.id).map((r) => [r.memberId, r]));
    // The fingerprint does not see a membership moving to another person (nor a new row at the
    // same instant), so the rows' persons are compared with the roster's every time.
    const current = roster.every((x) => rows.get(x.id)?.personId === x.personId);
    if (current && this.synced.get(meeting.id) === fingerprint) {
      const all = [...rows.values()];
      return { rows: all, due: all.filter((r) => r.expected && !r.invited), changed: false };
    }
    const tz = this.cell(meeting.cellId).timezone;
    const date = localIso(meeting.startsAt, tz);
    const now = this.now();
    const byMember = new Map<number, { kind: 'permanent' | 'temporary'; from: string; to: string | null }[]>();
    for (const e of this.repos.members.exemptionsInCell(meeting.cellId)) byMember.set(e.memberId, [...(byMember.get(e.memberId) ?? []), { kind: e.kind, from: e.fromDate, to: e.toDate }]);
    const inRoster = new Set(roster.map((x) => x.id));
    this.m.deps.store.db.transaction(() => {
      const fresh: AttendeeInsert[] = [];
      for (const member of roster) {
        const own = byMember.get(member.id) ?? [];
        const expected = isExpectedAttendee({ status: member.status, role: member.role, membership: member.membership, attachment: member.attachment, exemptions: own }, date);
        const exempt = exemptionOn(own, date) !== null;
        const row = rows.get(member.id);
        if (!row) fresh.push({ meetingId: meeting.id, memberId: member.id, personId: member.personId, expected, exempt, membership: member.membership, createdAt: now, updatedAt: now });
        else if (row.expected !== expected || row.exempt !== exempt || row.membership !== member.membership || row.personId !== member.personId) {
          this.m.repo.updateAttendee(row.id, { expected, exempt, membership: member.membership, personId: member.personId, updatedAt: now });
        }
      }
      this.m.repo.insertAttendees(fresh);
      for (const row of rows.values()) {
        if (!inRoster.has(row.memberId) && row.expected && !attended(row)) this.m.repo.updateAttendee(row.id, { expected: false, updatedAt: now });
      }
    });
    this.synced.set(meeting.id, fingerprint);
    const all = this.m.repo.attendees(meeting.id);
    return { rows: all, due: all.filter((r) => r.expected && !r.invited), changed: true };
  }

  /** The idempotency key of the invitation to a person: the first (`n` = 0), or the `n`th sent again. */
  protected static invitationKey(meetingId: number, personId: number, n = 0): string {
    return `mtg:${meetingId}:inv:p${personId}${n > 0 ? `:r${n}` : ''}`;
  }

  /** How many invitations to the person are in the outbox, from the meeting's invitation keys. */
  protected static invitationCount(keys: ReadonlySet<string>, meetingId: number, personId: number): number {
    let n = 0;
    while (keys.has(MeetingBase.invitationKey(meetingId, personId, n))) n++;
    return n;
  }

  /** The person's latest invitation to the meeting (one sent again replaces one that could not be delivered). */
  protected latestInvitation(meetingId: number, personId: number, keys: ReadonlySet<string> = this.m.repo.outboxKeys(`mtg:${meetingId}:inv:`)): OutboxRow | undefined {
    const n = MeetingBase.invitationCount(keys, meetingId, personId);
    return n === 0 ? undefined : this.repos.outbox.byKey(MeetingBase.invitationKey(meetingId, personId, n - 1));
  }

  /**
   * Runs `fn` over many items in transactions of `size`, letting the event loop breathe between
   * them: a broadcast to a large cell never holds up the answers to people chatting meanwhile.
   */
  protected async inChunks<T>(items: readonly T[], fn: (item: T) => void, size = 25): Promise<void> {
    for (let i = 0; i < items.length; i += size) {
      this.m.deps.store.db.transaction(() => {
        for (const item of items.slice(i, i + size)) fn(item);
      });
      if (i + size < items.length) await new Promise((r) => setImmediate(r));
    }
  }

  /** Rows with the member's current name, as the pure rules take them. */
  protected facts(meetingId: number): (AttendeeFacts & { row: AttendeeRow })[] {
    const rows = this.m.repo.attendees(meetingId);
    return rows.map((row) => ({
      row,
      memberId: row.memberId,
      fullName: this.repos.members.get(row.memberId)?.fullName ?? '?',
      membership: row.membership,
      expected: row.expected,
      exempt: row.exempt,
      rsvp: row.rsvp,
      status: row.status,
      reason: row.reason,
      verdict: row.verdict,
    }));
  }

  protected counts(meetingId: number): Rsvps {
    const rows = this.m.repo.attendees(meetingId).filter((r) => r.expected);
    return {
      attend: rows.filter((r) => r.rsvp === 'attend').length,
      absent: rows.filter((r) => r.rsvp === 'absent').length,
      maybe: rows.filter((r) => r.rsvp === 'maybe').length,
      none: rows.filter((r) => r.rsvp === null).length,
    };
  }

  protected leaders(cellId: number): MemberRow[] {
    return this.repos.members.withRoles(cellId, LEADER_ROLES);
  }

  protected localeOf(personId: number): Locale {
    const l = this.repos.people.person(personId)?.locale;
    return isLocale(l) ? l : this.m.deps.translator.defaultLocale;
  }

  /**
   * One private message through the outbox, in the person's language, on their channel; the key
   * makes it go once. False when the person has no account the bot can use.
   */
  protected send(personId: number, cellId: number, key: string, build: (t: Translate, locale: Locale) => OutMessage, opts: SendOptions = {}): boolean {
    const account = this.m.notifier.accountFor(personId);
    if (!account) return false;
    const locale = this.localeOf(personId);
    const message = build(this.m.deps.translator.for(locale), locale);
    const now = this.now();
    const payload: Record<string, unknown> = { ...serialise(message), locale };
    if (opts.bulk) payload.bulk = true;
    if (opts.expiresAt !== undefined) payload.expiresAt = opts.expiresAt;
    return this.repos.outbox.enqueue({
      cellId,
      personId,
      channel: account.channel,
      chatId: account.externalId,
      payload,
      idempotencyKey: key,
      essential: opts.essential ?? true,
      nextAttemptAt: opts.at ?? now,
      createdAt: now,
    });
  }

  /**
   * The group's announcement card, kept current: the first version is posted, later ones edit it
   * in place (a pending version is replaced rather than queued behind, so bursts of answers cost
   * one edit). Only channels with groups get it; members elsewhere have their private messages.
   */
  protected refreshCard(meeting: MeetingRow, result?: { present: number; expected: number }): void {
    const cell = this.cell(meeting.cellId);
    if (!cell.telegramGroupId || meeting.kind === 'committee') return;
    const t = this.m.deps.translator.for(cell.locale);
    const payload: Record<string, unknown> = serialise(groupCard(t, cell.locale, meeting, cell.timezone, cell.name, this.counts(meeting.id), result));
    payload.locale = cell.locale;
    const prefix = `mtg:${meeting.id}:card:`;
    const versions = this.repos.outbox.byKeyPrefix(prefix);
    const last = versions[versions.length - 1];
    if (last && last.status !== 'failed' && last.chatId === cell.telegramGroupId && last.payload.text === payload.text) return;
    if (last && last.status === 'pending' && last.chatId === cell.telegramGroupId && this.repos.outbox.updatePendingPayload(last.id, { ...payload, ...(last.payload.replaceKey ? { replaceKey: last.payload.replaceKey } : {}) })) return;
    // A later version edits the card: by its message id when the last version is out, else by
    // naming that version's row, which the sender resolves once it has been sent.
    const editOf = last && last.chatId === cell.telegramGroupId ? last : undefined;
    const replaceRef = editOf?.status === 'sent' ? editOf.sentRef : null;
    if (editOf && !replaceRef) payload.replaceKey = editOf.idempotencyKey;
    const now = this.now();
    this.repos.outbox.enqueue({
      cellId: cell.id,
      personId: null,
      channel: 'telegram',
      chatId: cell.telegramGroupId,
      payload,
      replaceRef,
      idempotencyKey: `${prefix}${versions.length}`,
      essential: true,
      nextAttemptAt: now,
      createdAt: now,
    });
  }

  protected audit(caller: Caller | null, cellId: number, action: string, details: Record<string, string | number | boolean | null>, targetMemberId?: number): void {
    this.repos.audit.record({ cellId, actorPersonId: caller?.personId ?? null, action, details, ...(targetMemberId ? { targetMemberId } : {}), createdAt: this.now() });
  }

  protected static newSecret(): string {
    return randomBytes(16).toString('hex');
  }
}

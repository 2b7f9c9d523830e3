import { TZDate } from '@date-fns/tz';
import type { Translate } from '../conversation/i18n.js';
import { formatDate, formatDateTime, isoDateIn } from '../conversation/format.js';
import type { OutMessage } from '../conversation/message.js';
import { DomainError } from '../domain/errors.js';
import {
  checkDeadline,
  checkDraftBody,
  checkDraftTitle,
  checkFeedbackText,
  detectAccusation,
  digestDue,
  excerpt,
  participation,
  shuffled,
  TICKET_LENGTH,
  WEAK_ANONYMITY_BELOW,
  type Accusation,
  type DraftBody,
  type DraftParticipation,
  type FeedbackTopic,
} from '../domain/feedback.js';
import { normaliseCode } from '../domain/invites.js';
import type { CellRow } from '../store/repos/cells.js';
import type { FeedbackDraftRow, FeedbackItemRow, FeedbackOpenRow, FeedbackRepo } from '../store/repos/feedback.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import { newTicket, randomBelow, randomRowId, type FeedbackSecrets } from './crypto.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

/** Where randomness comes from; tests pass their own. */
export interface FeedbackRandom {
  rowId(): number;
  below(n: number): number;
  ticket(): string;
}

export const cryptoRandom: FeedbackRandom = { rowId: randomRowId, below: randomBelow, ticket: () => newTicket(TICKET_LENGTH) };

export interface FeedbackDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: FeedbackRepo;
  secrets: FeedbackSecrets;
  random?: FeedbackRandom;
}

export interface FeedbackStart {
  cell: CellRow;
  activeMembers: number;
  weakAnonymity: boolean;
  drafts: FeedbackDraftRow[];
  digestHour: number;
  canAnswer: boolean;
  canOpenDrafts: boolean;
}

export interface NewAnonymous {
  topic: FeedbackTopic;
  draftId: number | null;
  text: string;
}

/** Committee members (and the secretary and deputy) receive feedback and answer it. */
const receivers: MemberRow['role'][] = ['secretary', 'deputy', 'committee'];

/** The cell's local hour at `ms`. */
export function localHour(ms: number, tz: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hour12: false, timeZone: tz }).format(ms)) % 24;
}

/** An ISO date and "HH:MM" (or the end of that day) in `tz` → epoch ms. */
export function zonedTime(dateIso: string, time: string | null, tz: string): number {
  const [h, m] = (time ?? '23:59').split(':').map(Number);
  return new TZDate(Number(dateIso.slice(0, 4)), Number(dateIso.slice(5, 7)) - 1, Number(dateIso.slice(8, 10)), h ?? 23, m ?? 59, 0, tz).getTime();
}

/**
 * Anonymous feedback: written in a private chat, stored without anything that points back to the
 * writer, delivered to the committee in a daily digest in random order, answered to the whole cell.
 * Nothing on this path is logged or audited: an audit row would be exactly the link we promise not
 * to keep. Drafts opened for comments and named comments are ordinary, attributable records.
 */
export class FeedbackService {
  private readonly random: FeedbackRandom;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly f: FeedbackDeps,
  ) {
    this.random = f.random ?? cryptoRandom;
  }

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cell: CellRow): string {
    return isoDateIn(this.deps.clock.now(), cell.timezone);
  }

  /** What a member sees before writing: open drafts, the digest hour, and whether anonymity is weak. */
  start(caller: Caller, cellId: number): FeedbackStart {
    const me = this.f.access.requireMember(caller, cellId, 'feedback.send');
    const cell = this.cell(cellId);
    const activeMembers = this.deps.repos.members.list(cellId).length;
    const now = this.deps.clock.now();
    return {
      cell,
      activeMembers,
      weakAnonymity: activeMembers < WEAK_ANONYMITY_BELOW,
      drafts: this.f.repo.openDrafts(cellId).filter((d) => d.deadline > now),
      digestHour: this.f.settings.of(cellId).feedback.digestHour,
      canAnswer: receivers.includes(me.role),
      canOpenDrafts: me.role === 'secretary',
    };
  }

  /** The text as it will be stored, or a refusal (empty, too long). */
  checkText(text: string): string {
    const checked = checkFeedbackText(text);
    if (!checked.ok) throw new DomainError(checked.code);
    return checked.value;
  }

  /** A plain accusation of a named person, which may not be sent anonymously. */
  screen(text: string): Accusation | null {
    return detectAccusation(text);
  }

  /** An open draft of this cell that still takes comments. */
  private openDraft(cellId: number, draftId: number): FeedbackDraftRow {
    const draft = this.f.repo.draft(draftId);
    if (!draft || draft.cellId !== cellId) throw new DomainError('FEEDBACK.DRAFT_NOT_FOUND');
    if (draft.status !== 'open' || draft.deadline <= this.deps.clock.now()) throw new DomainError('FEEDBACK.DRAFT_CLOSED');
    return draft;
  }

  /**
   * Stores an anonymous item and returns its one-time ticket code. The row holds the cell, topic,
   * text, the day, and the ticket's keyed hash: no trace of who sent it. The day's counter of the
   * sender is a keyed hash under a daily key, checked and bumped in the same transaction.
   */
  submitAnonymous(caller: Caller, cellId: number, input: NewAnonymous): { ticket: string } {
    this.f.access.requireMember(caller, cellId, 'feedback.send');
    const cell = this.cell(cellId);
    const text = this.checkText(input.text);
    if (detectAccusation(text)) throw new DomainError('FEEDBACK.ACCUSATION');
    const draftId = input.topic === 'draft' ? this.openDraft(cellId, input.draftId ?? 0).id : null;
    const day = this.today(cell);
    const limit = this.f.settings.of(cellId).feedback.dailyLimit;
    let ticket = '';
    this.f.repo.transaction(() => {
      if (!this.f.repo.bump(this.f.secrets.limitBucket(day, cellId, caller.personId), day, limit)) throw new DomainError('FEEDBACK.LIMIT', { limit });
      // A clash of the random id or ticket is astronomically rare; draw both again if it happens.
      for (let attempt = 0; ; attempt++) {
        ticket = this.random.ticket();
        if (this.f.repo.insertItem({ id: this.random.rowId(), cellId, topic: input.topic, draftId, text, createdOn: day, ticketHash: this.f.secrets.ticketHash(ticket) })) break;
        if (attempt >= 5) throw new Error('could not draw a free feedback id');
      }
    });
    return { ticket };
  }

  /** After a dialogue that held a draft was wiped: push the change out of the write-ahead log. */
  forgetTraces(): void {
    this.f.repo.flushLog();
  }

  /**
   * Feedback under the member's own name: a comment on a draft (delivered with the others at the
   * deadline), or a named message to the committee (delivered now, accusations included: those go
   * through named channels).
   */
  submitOpen(caller: Caller, cellId: number, input: NewAnonymous): FeedbackOpenRow {
    const me = this.f.access.requireMember(caller, cellId, 'feedback.send');
    const cell = this.cell(cellId);
    const text = this.checkText(input.text);
    const draftId = input.topic === 'draft' ? this.openDraft(cellId, input.draftId ?? 0).id : null;
    const row = this.f.repo.insertOpen({ cellId, draftId, memberId: me.id, topic: input.topic, text, createdAt: this.deps.clock.now() });
    if (draftId === null) {
      for (const r of this.deps.repos.members.withRoles(cellId, receivers)) {
        this.f.notifier.toPerson(r.personId, cellId, `fbopen:${row.id}:${r.personId}`, (t) => ({
          text: t('feedback.open.card', { name: me.fullName, cell: cell.name, topic: t(`feedback.topic.${input.topic}`), text }),
        }));
      }
    }
    return row;
  }

  /** The item behind a ticket code, for a member of its cell; any other case is "no such code". */
  byTicket(caller: Caller, typed: string): { item: FeedbackItemRow; cell: CellRow; draft: FeedbackDraftRow | undefined } {
    const code = normaliseCode(typed, TICKET_LENGTH);
    if (!code) throw new DomainError('FEEDBACK.TICKET_INVALID');
    const item = this.f.repo.byTicket(this.f.secrets.ticketHash(code));
    if (!item) throw new DomainError('FEEDBACK.TICKET_INVALID');
    const member = this.deps.repos.members.inCell(item.cellId, caller.personId);
    if (!member || member.status !== 'active') throw new DomainError('FEEDBACK.TICKET_INVALID');
    return { item, cell: this.cell(item.cellId), draft: item.draftId ? this.f.repo.draft(item.draftId) : undefined };
  }

  // ---- the committee ------------------------------------------------------------------------------

  /** A delivered item, for someone who may answer it. Items not yet delivered do not exist for anyone. */
  forAnswer(caller: Caller, itemId: number): FeedbackItemRow {
    const item = this.f.repo.item(itemId);
    if (!item) throw new DomainError('FEEDBACK.NOT_FOUND');
    this.f.access.requireMember(caller, item.cellId, 'feedback.answer');
    if (item.deliveredOn === null) throw new DomainError('FEEDBACK.NOT_FOUND');
    return item;
  }

  /** Delivered items, unanswered first. */
  delivered(caller: Caller, cellId: number, limit = 10): FeedbackItemRow[] {
    this.f.access.requireMember(caller, cellId, 'feedback.answer');
    return this.f.repo.delivered(cellId, limit);
  }

  /** Answers an item once; the answer goes to the whole cell with the question quoted. */
  answer(caller: Caller, itemId: number, text: string): FeedbackItemRow {
    const item = this.forAnswer(caller, itemId);
    const me = this.f.access.requireMember(caller, item.cellId, 'feedback.answer');
    if (item.answer !== null) throw new DomainError('FEEDBACK.ALREADY_ANSWERED');
    const answer = this.checkText(text);
    const cell = this.cell(item.cellId);
    const day = this.today(cell);
    if (!this.f.repo.answer(item.id, answer, day, me.id)) throw new DomainError('FEEDBACK.ALREADY_ANSWERED');
    const answered = this.f.repo.item(item.id) ?? item;
    const everyone = this.f.settings.of(cell.id).feedback.answerTo === 'everyone';
    this.f.notifier.toCell(cell.id, `fbans:${item.id}`, (t) => answerMessage(t, answered, cell, me.fullName), { privateToAll: everyone });
    return answered;
  }

  // ---- drafts opened for comments -----------------------------------------------------------------

  checkTitle(text: string): string {
    const t = checkDraftTitle(text);
    if (!t.ok) throw new DomainError(t.code);
    return t.value;
  }

  checkBody(text: string): DraftBody {
    const b = checkDraftBody(text);
    if (!b.ok) throw new DomainError(b.code);
    return b.value;
  }

  /** The deadline as epoch ms, refused unless in the future and within 90 days. */
  deadlineFor(cellId: number, date: string, time: string | null): number {
    const deadline = zonedTime(date, time, this.cell(cellId).timezone);
    if (!checkDeadline(deadline, this.deps.clock.now())) throw new DomainError('FEEDBACK.DEADLINE_INVALID');
    return deadline;
  }

  /** The secretary opens a draft for comments; the cell is told (in the group, or privately). */
  openDraftForComments(caller: Caller, cellId: number, input: { title: string; body: string; deadline: number }): FeedbackDraftRow {
    const me = this.f.access.requireMember(caller, cellId, 'feedback.draft');
    const cell = this.cell(cellId);
    const title = this.checkTitle(input.title);
    const body = this.checkBody(input.body);
    if (!checkDeadline(input.deadline, this.deps.clock.now())) throw new DomainError('FEEDBACK.DEADLINE_INVALID');
    const now = this.deps.clock.now();
    const draft = this.f.repo.insertDraft({
      cellId,
      title,
      body: body.kind === 'text' ? body.text : null,
      link: body.kind === 'link' ? body.url : null,
      deadline: input.deadline,
      openedBy: me.id,
      createdAt: now,
    });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'feedback.draftOpen', details: { draftId: draft.id }, createdAt: now });
    this.f.notifier.toCell(cellId, `fbdraft:${draft.id}:open`, (t) => ({
      text: t('feedback.draft.announce', { cell: cell.name, title, deadline: formatDateTime(draft.deadline, cell.timezone, cell.locale), content: draftContent(t, draft) }),
    }));
    return draft;
  }

  /** Open drafts of the cell, for any member. */
  drafts(caller: Caller, cellId: number): FeedbackDraftRow[] {
    this.f.access.requireMember(caller, cellId, 'feedback.send');
    const now = this.deps.clock.now();
    return this.f.repo.openDrafts(cellId).filter((d) => d.deadline > now);
  }

  /** One draft, for a member of its cell. */
  draft(caller: Caller, draftId: number): FeedbackDraftRow {
    const draft = this.f.repo.draft(draftId);
    if (!draft) throw new DomainError('FEEDBACK.DRAFT_NOT_FOUND');
    this.f.access.requireMember(caller, draft.cellId, 'feedback.send');
    return draft;
  }

  /** The secretary ends a draft's comments now; the comments go out as at the deadline. */
  closeDraftNow(caller: Caller, draftId: number): FeedbackDraftRow {
    const draft = this.f.repo.draft(draftId);
    if (!draft) throw new DomainError('FEEDBACK.DRAFT_NOT_FOUND');
    this.f.access.requireMember(caller, draft.cellId, 'feedback.draft');
    if (!this.f.repo.closeDraft(draft.id, this.deps.clock.now())) throw new DomainError('FEEDBACK.DRAFT_CLOSED');
    this.deps.repos.audit.record({ cellId: draft.cellId, actorPersonId: caller.personId, action: 'feedback.draftClose', details: { draftId: draft.id }, createdAt: this.deps.clock.now() });
    this.deliverDraft(draft);
    return this.f.repo.draft(draft.id) ?? draft;
  }

  /** Sends the secretary every comment on a closed draft: named ones with names, anonymous ones shuffled. */
  private deliverDraft(draft: FeedbackDraftRow): void {
    const cell = this.cell(draft.cellId);
    const named = this.f.repo.openOnDraft(draft.id);
    const names = new Map(this.deps.repos.members.list(cell.id, ['active', 'left']).map((m) => [m.id, m.fullName]));
    const anonymous = shuffled(this.f.repo.anonymousOnDraft(draft.id), (n) => this.random.below(n));
    this.f.repo.markDelivered(
      anonymous.map((a) => a.id),
      this.today(cell),
    );
    for (const s of this.deps.repos.members.withRoles(cell.id, ['secretary'])) {
      this.f.notifier.toPerson(s.personId, cell.id, `fbdraft:${draft.id}:result:${s.personId}`, (t) => {
        const lines = [t('feedback.draft.resultTitle', { title: draft.title, cell: cell.name, named: named.length, anonymous: anonymous.length })];
        if (named.length > 0) lines.push('', t('feedback.draft.namedTitle'), ...named.map((c) => t('feedback.draft.namedLine', { name: names.get(c.memberId) ?? '?', text: c.text })));
        if (anonymous.length > 0) lines.push('', t('feedback.draft.anonymousTitle'), ...anonymous.map((a, i) => t('feedback.draft.anonymousLine', { n: i + 1, text: a.text })));
        if (named.length + anonymous.length === 0) lines.push('', t('feedback.draft.noComments'));
        return { text: lines.join('\n') };
      });
    }
  }

  // ---- scheduled work -----------------------------------------------------------------------------

  /**
   * The daily digest: once a day, from the cell's digest hour, every item not yet delivered goes to
   * the secretary, deputy and committee members in one message, in random order. Items written after
   * the digest wait for the next day's, so none reaches the committee the moment it was written.
   */
  runDigests(now: number, dryRun: boolean): number {
    let sent = 0;
    for (const cell of this.deps.repos.cells.list()) {
      const settings = this.f.settings.of(cell.id).feedback;
      if (!digestDue(localHour(now, cell.timezone), settings.digestHour)) continue;
      const day = isoDateIn(now, cell.timezone);
      const items = this.f.repo.undelivered(cell.id).filter((i) => i.createdOn <= day);
      if (dryRun) {
        sent += items.length;
        continue;
      }
      if (!this.deps.repos.outbox.claimJob(`feedback-digest:${cell.id}:${day}`, now)) continue;
      if (items.length === 0) continue;
      const ordered = shuffled(items, (n) => this.random.below(n));
      this.f.repo.markDelivered(
        ordered.map((i) => i.id),
        day,
      );
      for (const r of this.deps.repos.members.withRoles(cell.id, receivers)) {
        this.f.notifier.toPerson(r.personId, cell.id, `fbdigest:${cell.id}:${day}:${r.personId}`, (t) => digestMessage(t, cell, day, ordered));
      }
      sent += ordered.length;
    }
    return sent;
  }

  /** Drafts whose deadline passed: closed, and their comments sent to the secretary. */
  closeDueDrafts(now: number, dryRun: boolean): number {
    let closed = 0;
    for (const draft of this.f.repo.dueDrafts(now)) {
      if (dryRun) {
        closed++;
        continue;
      }
      if (!this.f.repo.closeDraft(draft.id, now)) continue;
      this.deliverDraft(draft);
      closed++;
    }
    return closed;
  }

  /** Yesterday's counters and unanswered delete offers are deleted, and then pushed out of the log. */
  housekeeping(now: number): void {
    // Cells in other time zones may still be on an earlier day: keep the counters of any day a cell is on.
    const days = this.deps.repos.cells.list().map((c) => isoDateIn(now, c.timezone));
    const earliest = days.sort()[0] ?? isoDateIn(now, this.deps.settings.defaultTimezone);
    const pruned = this.f.repo.pruneLimits(earliest);
    const expired = this.f.repo.expireDeleteOffers(DELETE_OFFER_PREFIX, now - DELETE_OFFER_TTL_MS);
    // Also once an hour, in case a flush right after a feedback was cut short by another process reading.
    const hourly = this.deps.repos.outbox.claimJob(`feedback-flush:${new Date(now).toISOString().slice(0, 13)}`, now);
    if (pruned + expired > 0 || hourly) this.f.repo.flushLog();
  }

  // ---- for the year-end summary (/tongket) ----------------------------------------------------------

  /**
   * Participation between two ISO dates (inclusive): for each draft opened then, who commented
   * openly (names) and how many anonymous comments came (a number only); plus how many general
   * anonymous items came and how many were answered. No permission check: the summary checks its own.
   */
  participation(cellId: number, fromIso: string, toIso: string): { drafts: (DraftParticipation & { openNames: string[] })[]; anonymousItems: number; answered: number } {
    const cell = this.cell(cellId);
    const from = zonedTime(fromIso, '00:00', cell.timezone);
    const to = zonedTime(toIso, '23:59', cell.timezone) + 60_000;
    const drafts = this.f.repo.draftsBetween(cellId, from, to);
    const ids = drafts.map((d) => d.id);
    const open = this.f.repo.openOnDrafts(ids);
    const anonymous = this.f.repo.anonymousOnDrafts(ids);
    const names = new Map(this.deps.repos.members.list(cellId, ['active', 'left']).map((m) => [m.id, m.fullName]));
    const items = this.f.repo.itemsBetween(cellId, fromIso, toIso).filter((i) => i.draftId === null);
    return {
      drafts: participation(drafts, open, anonymous).map((p) => ({ ...p, openNames: p.openMemberIds.map((id) => names.get(id) ?? '?') })),
      anonymousItems: items.length,
      answered: items.filter((i) => i.answeredOn !== null).length,
    };
  }
}

/** Actions that offer to delete a finished feedback dialogue start with this. */
export const DELETE_OFFER_PREFIX = 'fbx:';
const DELETE_OFFER_TTL_MS = 15 * 60_000;

export function draftContent(t: Translate, draft: Pick<FeedbackDraftRow, 'body' | 'link'>): string {
  return draft.link ? t('feedback.draft.link', { link: draft.link }) : (draft.body ?? '');
}

function digestMessage(t: Translate, cell: CellRow, day: string, items: FeedbackItemRow[]): OutMessage {
  const lines = [t('feedback.digest.title', { cell: cell.name, date: formatDate(zonedTime(day, '12:00', cell.timezone), cell.timezone), n: items.length }), t('feedback.digest.note')];
  items.forEach((item, i) => lines.push('', t('feedback.digest.item', { n: i + 1, topic: t(`feedback.topic.${item.topic}`), text: item.text })));
  lines.push('', t('feedback.digest.footer'));
  return { text: lines.join('\n'), choices: items.map((item, i) => [{ label: t('feedback.digest.answer', { n: i + 1 }), action: `fba:${item.id}` }]) };
}

function answerMessage(t: Translate, item: FeedbackItemRow, cell: CellRow, by: string): OutMessage {
  return { text: t('feedback.answer.post', { cell: cell.name, topic: t(`feedback.topic.${item.topic}`), question: excerpt(item.text, 1000), answer: item.answer ?? '', by }) };
}

import type { Translate } from '../conversation/i18n.js';
import { formatDate, isoDateIn } from '../conversation/format.js';
import { formatIsoDate } from '../domain/dates.js';
import { DomainError } from '../domain/errors.js';
import { isExpectedAttendee, type ReviewForm } from '../domain/members.js';
import { can } from '../domain/roles.js';
import {
  checkLabel,
  checkSeasonDeadline,
  countSeason,
  emptyNote,
  explainLevel,
  fitToForm,
  missingSections,
  nudgeWindow,
  parseNote,
  setLevel,
  writeSection,
  type NoteContent,
  type ReviewLevel,
  type SeasonCounts,
  type SeasonKind,
  type SectionKey,
} from '../domain/selfReview.js';
import type { Logger } from '../logger.js';
import { selfReviewDocx } from '../reports/self-review.js';
import type { CellRow } from '../store/repos/cells.js';
import type { MemberRow } from '../store/repos/members.js';
import type { ReviewSeasonRow, SelfReviewRepo, SelfReviewRow } from '../store/repos/selfReview.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { NoteCipher } from './crypto.js';
import { localHour } from './feedback.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

export interface SelfReviewDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: SelfReviewRepo;
  cipher: NoteCipher;
  log?: Logger;
}

/** A member's own note in the open (or latest) season. */
export interface MyNote {
  cell: CellRow;
  season: ReviewSeasonRow;
  member: MemberRow;
  form: ReviewForm;
  note: SelfReviewRow | undefined;
  content: NoteContent;
}

/** A note as a reader allowed to read it sees it. */
export interface ReadableNote {
  cell: CellRow;
  season: ReviewSeasonRow;
  author: MemberRow;
  note: SelfReviewRow;
  content: NoteContent;
  isAuthor: boolean;
}

export interface SeasonStatus {
  season: ReviewSeasonRow;
  counts: SeasonCounts;
  rows: { member: MemberRow; status: 'submitted' | 'draft' | 'none'; noteId: number | null; expected: boolean }[];
}

/** Binds a ciphertext to its note: a blob copied onto another member's row does not decrypt. */
const aadOf = (n: Pick<SelfReviewRow, 'cellId' | 'seasonId' | 'memberId'>): string => `self-review:${n.cellId}:${n.seasonId}:${n.memberId}`;

/**
 * Self-criticism notes: written by their author over several messages, encrypted at rest with
 * AES-256-GCM, readable by the author alone while a draft, and by the cell's secretary and deputy
 * once submitted. Committee members see only whether a note was submitted. The bot never posts a
 * note anywhere: it answers the person who asked, in their private chat.
 */
export class SelfReviewService {
  /** Notes already reported as unreadable, so the log says it once per process, not every minute. */
  private readonly unreadable = new Set<number>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly r: SelfReviewDeps,
  ) {}

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cell: CellRow): string {
    return isoDateIn(this.deps.clock.now(), cell.timezone);
  }

  private decrypt(note: SelfReviewRow): NoteContent {
    try {
      return parseNote(this.r.cipher.decrypt(note.keyId, note.content, aadOf(note)));
    } catch {
      throw new DomainError('REVIEW.UNREADABLE');
    }
  }

  private seal(n: Pick<SelfReviewRow, 'cellId' | 'seasonId' | 'memberId'>, content: NoteContent): { keyId: string; content: string } {
    return this.r.cipher.encrypt(JSON.stringify(content), aadOf(n));
  }

  // ---- seasons --------------------------------------------------------------------------------------

  openSeason(caller: Caller, cellId: number, input: { kind: SeasonKind; label: string; deadline: string }): ReviewSeasonRow {
    const me = this.r.access.requireMember(caller, cellId, 'review.season');
    const cell = this.cell(cellId);
    const label = checkLabel(input.label);
    if (!label.ok) throw new DomainError(label.code);
    if (!checkSeasonDeadline(input.deadline, this.today(cell))) throw new DomainError('REVIEW.DEADLINE_INVALID');
    if (this.r.repo.openSeason(cellId)) throw new DomainError('REVIEW.SEASON_OPEN');
    const now = this.deps.clock.now();
    const season = this.r.repo.insertSeason({ cellId, kind: input.kind, label: label.value, deadline: input.deadline, openedBy: me.id, createdAt: now });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'review.seasonOpen', details: { seasonId: season.id, deadline: input.deadline }, createdAt: now });
    this.r.notifier.toCell(cellId, `rvopen:${season.id}`, (t) => ({ text: t('selfReview.season.announce', { cell: cell.name, label: season.label, deadline: formatIsoDate(season.deadline) }) }));
    return season;
  }

  closeSeason(caller: Caller, seasonId: number): { season: ReviewSeasonRow; counts: SeasonCounts } {
    const season = this.season(seasonId);
    this.r.access.requireMember(caller, season.cellId, 'review.season');
    if (!this.r.repo.closeSeason(season.id, this.deps.clock.now())) throw new DomainError('REVIEW.SEASON_CLOSED');
    this.deps.repos.audit.record({ cellId: season.cellId, actorPersonId: caller.personId, action: 'review.seasonClose', details: { seasonId: season.id }, createdAt: this.deps.clock.now() });
    const closed = this.r.repo.season(season.id) ?? season;
    return { season: closed, counts: this.counts(closed).counts };
  }

  private season(seasonId: number): ReviewSeasonRow {
    const season = this.r.repo.season(seasonId);
    if (!season) throw new DomainError('REVIEW.NO_SEASON');
    return season;
  }

  /** The open season of the cell, or the latest closed one; null when the cell never had one. */
  currentSeason(caller: Caller, cellId: number): ReviewSeasonRow | null {
    this.r.access.requireMember(caller, cellId, 'review.write');
    return this.r.repo.openSeason(cellId) ?? this.r.repo.seasons(cellId, 1)[0] ?? null;
  }

  /** Past and present seasons, newest first. */
  seasons(caller: Caller, cellId: number): ReviewSeasonRow[] {
    this.r.access.requireMember(caller, cellId, 'review.write');
    return this.r.repo.seasons(cellId, 10);
  }

  // ---- the author's own note ------------------------------------------------------------------------

  /** The caller's note in a season (default: the current one), decrypted for them alone. */
  mine(caller: Caller, cellId: number, seasonId?: number): MyNote {
    const member = this.r.access.requireMember(caller, cellId, 'review.write');
    const cell = this.cell(cellId);
    const season = seasonId === undefined ? (this.r.repo.openSeason(cellId) ?? this.r.repo.seasons(cellId, 1)[0]) : this.r.repo.season(seasonId);
    if (!season || season.cellId !== cellId) throw new DomainError('REVIEW.NO_SEASON');
    const note = this.r.repo.noteOf(season.id, member.id);
    // A draft follows the form in the member's profile; a submitted note keeps the form it was written on.
    const form = note && note.status === 'submitted' ? note.form : member.reviewForm;
    return { cell, season, member, form, note, content: note ? this.decrypt(note) : emptyNote() };
  }

  /** The caller's note in a season given by id (from a button): membership of the season's cell is checked. */
  mineBySeason(caller: Caller, seasonId: number): MyNote {
    const season = this.season(seasonId);
    return this.mine(caller, season.cellId, season.id);
  }

  /** The season must be open and the note not submitted (withdraw first) for any change. */
  private editable(caller: Caller, cellId: number, seasonId: number): MyNote {
    const mine = this.mine(caller, cellId, seasonId);
    if (mine.season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
    if (mine.note?.status === 'submitted') throw new DomainError('REVIEW.SUBMITTED');
    return mine;
  }

  private save(mine: MyNote, content: NoteContent): MyNote {
    const now = this.deps.clock.now();
    const ids = { cellId: mine.cell.id, seasonId: mine.season.id, memberId: mine.member.id };
    const sealed = this.seal(ids, content);
    const note = mine.note
      ? this.r.repo.updateNote(mine.note.id, { ...sealed, form: mine.form, updatedAt: now })
      : this.r.repo.insertNote({ ...ids, form: mine.form, status: 'draft', ...sealed, createdAt: now, updatedAt: now });
    return { ...mine, note, content };
  }

  /** Adds a paragraph to a section, or (mode 'replace') replaces the section with it. */
  write(caller: Caller, cellId: number, seasonId: number, section: SectionKey, text: string, mode: 'append' | 'replace'): MyNote {
    const mine = this.editable(caller, cellId, seasonId);
    const next = writeSection(mine.form, mine.content, section, text, mode);
    if (!next.ok) throw new DomainError(next.code);
    return this.save(mine, next.value);
  }

  chooseLevel(caller: Caller, cellId: number, seasonId: number, level: ReviewLevel): MyNote {
    const mine = this.editable(caller, cellId, seasonId);
    return this.save(mine, setLevel(mine.content, level));
  }

  explainLevel(caller: Caller, cellId: number, seasonId: number, text: string, mode: 'append' | 'replace' = 'append'): MyNote {
    const mine = this.editable(caller, cellId, seasonId);
    const next = explainLevel(mine.content, text, mode);
    if (!next.ok) throw new DomainError(next.code);
    return this.save(mine, next.value);
  }

  /** Submits once every required section is written; the secretary and deputy can then read it. */
  submit(caller: Caller, cellId: number, seasonId: number): MyNote {
    const mine = this.editable(caller, cellId, seasonId);
    const missing = missingSections(mine.form, mine.content);
    if (!mine.note || missing.length > 0) throw new DomainError('REVIEW.INCOMPLETE', { count: Math.max(missing.length, 1) });
    const now = this.deps.clock.now();
    const content = fitToForm(mine.form, mine.content);
    const updated = this.r.repo.transition(mine.note.id, 'draft', { status: 'submitted', submittedAt: now, updatedAt: now, form: mine.form, ...this.seal(mine.note, content) });
    if (!updated) throw new DomainError('REVIEW.SUBMITTED');
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'review.submit', targetMemberId: mine.member.id, details: { seasonId }, createdAt: now });
    return { ...mine, note: updated, content };
  }

  /** Takes a submitted note back to a draft, while the season is open. */
  withdraw(caller: Caller, cellId: number, seasonId: number): MyNote {
    const mine = this.mine(caller, cellId, seasonId);
    if (mine.season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
    if (!mine.note || mine.note.status !== 'submitted') throw new DomainError('REVIEW.NOT_SUBMITTED');
    const now = this.deps.clock.now();
    const updated = this.r.repo.transition(mine.note.id, 'submitted', { status: 'draft', submittedAt: null, updatedAt: now });
    if (!updated) throw new DomainError('REVIEW.NOT_SUBMITTED');
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'review.withdraw', targetMemberId: mine.member.id, details: { seasonId }, createdAt: now });
    return { ...mine, note: updated };
  }

  // ---- other people's notes -----------------------------------------------------------------------

  /** Who has submitted (committee, deputy, secretary): names and statuses, never contents. */
  status(caller: Caller, seasonId: number): SeasonStatus {
    const season = this.season(seasonId);
    this.r.access.requireMember(caller, season.cellId, 'review.status');
    return this.counts(season);
  }

  private counts(season: ReviewSeasonRow): SeasonStatus {
    const members = this.deps.repos.members.list(season.cellId, ['active']);
    const exemptions = this.deps.repos.members.exemptionsInCell(season.cellId);
    const notes = this.r.repo.notesOf(season.id);
    const byMember = new Map(notes.map((n) => [n.memberId, n]));
    const expectedIds = members
      .filter((m) => {
        const ex = exemptions.filter((e) => e.memberId === m.id).map((e) => ({ kind: e.kind, from: e.fromDate, to: e.toDate }));
        return isExpectedAttendee({ status: m.status, role: m.role, membership: m.membership, attachment: m.attachment, exemptions: ex }, season.deadline);
      })
      .map((m) => m.id);
    const expected = new Set(expectedIds);
    return {
      season,
      counts: countSeason(
        expectedIds,
        notes.map((n) => ({ memberId: n.memberId, status: n.status })),
      ),
      rows: members.map((m) => {
        const n = byMember.get(m.id);
        return { member: m, status: n ? n.status : 'none', noteId: n && n.status === 'submitted' ? n.id : null, expected: expected.has(m.id) };
      }),
    };
  }

  /**
   * A note for reading: its author always; the cell's secretary and deputy once it is submitted.
   * Everyone else (committee members, other cells, outsiders) gets a refusal, whatever id they send.
   */
  read(caller: Caller, noteId: number): ReadableNote {
    const note = this.r.repo.note(noteId);
    if (!note) throw new DomainError('REVIEW.NOT_FOUND');
    const author = this.deps.repos.members.get(note.memberId);
    const isAuthor = author !== undefined && author.personId === caller.personId;
    if (!isAuthor) {
      this.r.access.requireMember(caller, note.cellId, 'review.read');
      if (note.status !== 'submitted') throw new DomainError('REVIEW.NOT_FOUND');
    }
    if (!author) throw new DomainError('REVIEW.NOT_FOUND');
    return { cell: this.cell(note.cellId), season: this.season(note.seasonId), author, note, content: this.decrypt(note), isAuthor };
  }

  /** The submitted note as a Word document laid out like the standard form: for its author and the secretary. */
  async exportDocx(caller: Caller, noteId: number, t: Translate): Promise<{ filename: string; data: Buffer }> {
    const note = this.r.repo.note(noteId);
    if (!note) throw new DomainError('REVIEW.NOT_FOUND');
    const author = this.deps.repos.members.get(note.memberId);
    const isAuthor = author !== undefined && author.personId === caller.personId;
    if (!isAuthor) this.r.access.requireMember(caller, note.cellId, 'review.export');
    if (note.status !== 'submitted') throw new DomainError('REVIEW.NOT_SUBMITTED');
    const readable = this.read(caller, noteId);
    const data = await selfReviewDocx(
      {
        cellName: readable.cell.name,
        superiorName: readable.cell.superiorName,
        memberName: readable.author.fullName,
        role: t(`roles.${readable.author.role}`),
        form: note.form,
        seasonLabel: readable.season.label,
        content: readable.content,
        date: formatDate(note.submittedAt ?? this.deps.clock.now(), readable.cell.timezone),
      },
      t,
    );
    const slug = readable.author.fullName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    return { filename: `ban-kiem-diem-${slug || note.id}.docx`, data };
  }

  // ---- scheduled work -------------------------------------------------------------------------------

  /**
   * Reminders to members who have not submitted, privately, on the configured days before the
   * deadline and on it (from the configured hour), with counts to the secretary; after the deadline,
   * one report of who is missing. Never in a group, never anyone's content.
   */
  nudge(now: number, dryRun: boolean): number {
    let nudged = 0;
    for (const season of this.r.repo.openSeasons()) {
      const cell = this.deps.repos.cells.get(season.cellId);
      if (!cell) continue;
      const settings = this.r.settings.of(cell.id).review;
      if (localHour(now, cell.timezone) < settings.nudgeHour) continue;
      const today = isoDateIn(now, cell.timezone);
      const window = nudgeWindow(today, season.deadline, settings.nudgeDaysBefore);
      if (window !== null) nudged += this.nudgeRound(cell, season, `d${window}`, now, dryRun);
      else if (today > season.deadline && !dryRun && this.deps.repos.outbox.claimJob(`rvdue:${season.id}`, now)) this.report(cell, season, 'due', 'due');
    }
    return nudged;
  }

  /** The secretary reminds everyone who has not submitted, now (once a day). */
  nudgeNow(caller: Caller, seasonId: number): number {
    const season = this.season(seasonId);
    this.r.access.requireMember(caller, season.cellId, 'review.season');
    if (season.status !== 'open') throw new DomainError('REVIEW.SEASON_CLOSED');
    const cell = this.cell(season.cellId);
    return this.nudgeRound(cell, season, `m${this.today(cell)}`, this.deps.clock.now(), false);
  }

  private nudgeRound(cell: CellRow, season: ReviewSeasonRow, window: string, now: number, dryRun: boolean): number {
    const status = this.counts(season);
    const waiting = status.rows.filter((r) => r.expected && r.status !== 'submitted');
    if (dryRun) return waiting.length;
    if (!this.deps.repos.outbox.claimJob(`rvnudge:${season.id}:${window}`, now)) return 0;
    for (const r of waiting) {
      this.r.notifier.toPerson(
        r.member.personId,
        cell.id,
        `rvnudge:${season.id}:${window}:${r.member.personId}`,
        (t) => ({ text: t(r.status === 'draft' ? 'selfReview.nudge.draft' : 'selfReview.nudge.none', { label: season.label, deadline: formatIsoDate(season.deadline), cell: cell.name }), choices: [[{ label: t('selfReview.menu.write'), action: 'cmd:tukiemdiem' }]] }),
        false,
      );
    }
    this.report(cell, season, window, 'round');
    return waiting.length;
  }

  /** Counts and the names still missing, to the secretary, privately. */
  private report(cell: CellRow, season: ReviewSeasonRow, window: string, kind: 'round' | 'due'): void {
    const status = this.counts(season);
    const missing = status.rows.filter((r) => r.expected && r.status !== 'submitted').map((r) => r.member.fullName);
    for (const s of this.deps.repos.members.withRoles(cell.id, ['secretary'])) {
      this.r.notifier.toPerson(s.personId, cell.id, `rvcount:${season.id}:${window}:${s.personId}`, (t) => ({
        text: [
          t(kind === 'due' ? 'selfReview.report.due' : 'selfReview.report.round', { label: season.label, deadline: formatIsoDate(season.deadline), submitted: status.counts.submitted, expected: status.counts.expected }),
          missing.length > 0 ? t('selfReview.report.missing', { names: missing.join(', ') }) : t('selfReview.report.allIn'),
        ].join('\n'),
      }));
    }
  }

  /** Re-encrypts notes written under an older key with the current one, a batch at a time. */
  reencrypt(limit = 100): number {
    const current = this.r.cipher.keyring.current.id;
    let done = 0;
    for (const note of this.r.repo.notesNotUnder(current, limit)) {
      let plain: string;
      try {
        plain = this.r.cipher.decrypt(note.keyId, note.content, aadOf(note));
      } catch {
        if (!this.unreadable.has(note.id)) this.r.log?.warn({ noteId: note.id, keyId: note.keyId }, 'self-review note cannot be decrypted with the configured keys');
        this.unreadable.add(note.id);
        continue;
      }
      this.r.repo.updateNote(note.id, this.r.cipher.encrypt(plain, aadOf(note)));
      done++;
    }
    return done;
  }

  /** Whether a caller may read others' submitted notes in a cell (for menus). */
  canRead(caller: Caller, cellId: number): boolean {
    return can(this.r.access.actor(caller, cellId).actor, 'review.read');
  }

  canExport(caller: Caller, cellId: number): boolean {
    return can(this.r.access.actor(caller, cellId).actor, 'review.export');
  }

  canSeeStatus(caller: Caller, cellId: number): boolean {
    return can(this.r.access.actor(caller, cellId).actor, 'review.status');
  }

  canManage(caller: Caller, cellId: number): boolean {
    return can(this.r.access.actor(caller, cellId).actor, 'review.season');
  }
}


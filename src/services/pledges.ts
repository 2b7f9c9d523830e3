import { isoDateIn } from '../conversation/format.js';
import { choice } from '../conversation/message.js';
import { DomainError } from '../domain/errors.js';
import type { Exemption, MemberFacts } from '../domain/members.js';
import {
  countPledges,
  emptyPledge,
  expectedToPledge,
  isOpenYear,
  missingSections,
  openYears,
  parseParagraphs,
  parsePledge,
  selfCheckOpen,
  writeSection,
  writeSelfCheck,
  yearlyPromptDue,
  type PledgeContent,
  type PledgeCounts,
} from '../domain/pledges.js';
import { can } from '../domain/roles.js';
import type { Logger } from '../logger.js';
import type { CellRow } from '../store/repos/cells.js';
import type { ExemptionRow, MemberRow } from '../store/repos/members.js';
import type { PledgeRepo, PledgeRow } from '../store/repos/pledges.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { Notifier } from './notifier.js';
import type { SettingsService } from './settings.js';

export interface PledgeDeps {
  access: Access;
  notifier: Notifier;
  settings: SettingsService;
  repo: PledgeRepo;
  log?: Logger;
}

/** The caller's own pledge for one year. */
export interface MyPledge {
  cell: CellRow;
  member: MemberRow;
  year: number;
  pledge: PledgeRow | undefined;
  content: PledgeContent;
  selfCheck: string[];
  /** The year is open for writing (this year; from December also the next). */
  open: boolean;
  /** The mid-year self-check can be written now. */
  selfCheckOpen: boolean;
}

export interface ReadablePledge {
  cell: CellRow;
  author: MemberRow;
  pledge: PledgeRow;
  content: PledgeContent;
  selfCheck: string[];
  isAuthor: boolean;
}

export type PledgeState = 'submitted' | 'draft' | 'none';

export interface PledgeStatus {
  year: number;
  counts: PledgeCounts;
  rows: { member: MemberRow; status: PledgeState; pledgeId: number | null; selfChecked: boolean; expected: boolean }[];
}

/** How many days the January reminder and the July prompt stay due after their day (a bot that was down catches up). */
const PROMPT_WINDOW_DAYS = 30;

/** Member facts the rules read, from a row and the cell's exemptions. */
export function factsOf(m: MemberRow, exemptions: readonly ExemptionRow[]): MemberFacts {
  const mine: Exemption[] = exemptions.filter((e) => e.memberId === m.id).map((e) => ({ kind: e.kind, from: e.fromDate, to: e.toDate }));
  return { status: m.status, role: m.role, membership: m.membership, attachment: m.attachment, exemptions: mine };
}

/**
 * Yearly commitments (đăng ký học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh) with
 * the personal action plan, written over several messages, edited and submitted by their author.
 * Drafts are the author's alone; once submitted the secretary and deputy may read them, and the
 * committee sees who has registered. A reminder goes to those who have not registered at the start
 * of the year, and a self-check prompt at mid-year.
 */
export class PledgeService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly p: PledgeDeps,
  ) {}

  private cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  private today(cell: CellRow): string {
    return isoDateIn(this.deps.clock.now(), cell.timezone);
  }

  /** Years the caller can pick on `/camket` today. */
  years(caller: Caller, cellId: number): number[] {
    this.p.access.requireMember(caller, cellId, 'pledge.write');
    return openYears(this.today(this.cell(cellId)));
  }

  canSeeStatus(caller: Caller, cellId: number): boolean {
    return can(this.p.access.actor(caller, cellId).actor, 'pledge.status');
  }

  canRead(caller: Caller, cellId: number): boolean {
    return can(this.p.access.actor(caller, cellId).actor, 'pledge.read');
  }

  mine(caller: Caller, cellId: number, year?: number): MyPledge {
    const member = this.p.access.requireMember(caller, cellId, 'pledge.write');
    const cell = this.cell(cellId);
    const today = this.today(cell);
    const y = year ?? Number(today.slice(0, 4));
    if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new DomainError('PLEDGE.NOT_FOUND');
    return this.assemble(cell, member, y, this.p.repo.of(member.id, y), today);
  }

  private assemble(cell: CellRow, member: MemberRow, year: number, pledge: PledgeRow | undefined, today: string): MyPledge {
    const s = this.p.settings.of(cell.id).pledges;
    return {
      cell,
      member,
      year,
      pledge,
      content: pledge ? parsePledge(pledge.content) : emptyPledge(),
      selfCheck: pledge ? parseParagraphs(pledge.selfCheck) : [],
      open: isOpenYear(year, today),
      selfCheckOpen: pledge?.status === 'submitted' && selfCheckOpen(year, today, s.selfCheckOn),
    };
  }

  /** Adds a paragraph to a section (or replaces it): only the author, only in an open year, only before submitting. */
  write(caller: Caller, cellId: number, year: number, section: string, text: string, mode: 'append' | 'replace'): MyPledge {
    const mine = this.mine(caller, cellId, year);
    if (!mine.open) throw new DomainError('PLEDGE.YEAR_CLOSED');
    if (mine.pledge?.status === 'submitted') throw new DomainError('PLEDGE.SUBMITTED');
    const written = writeSection(mine.content, section, text, mode);
    if (!written.ok) throw new DomainError(written.code);
    const now = this.deps.clock.now();
    const content = written.value as unknown as Record<string, unknown>;
    const pledge = this.p.repo.transaction(() => {
      const current = this.p.repo.of(mine.member.id, year);
      if (current?.status === 'submitted') throw new DomainError('PLEDGE.SUBMITTED');
      if (current) return this.p.repo.update(current.id, { content, updatedAt: now });
      const created = this.p.repo.insert({ cellId, memberId: mine.member.id, year, status: 'draft', content, createdAt: now, updatedAt: now });
      this.audit(caller, created, 'pledge.start');
      return created;
    });
    return { ...mine, pledge, content: written.value };
  }

  submit(caller: Caller, cellId: number, year: number): MyPledge {
    const mine = this.mine(caller, cellId, year);
    if (!mine.open) throw new DomainError('PLEDGE.YEAR_CLOSED');
    if (!mine.pledge) throw new DomainError('PLEDGE.INCOMPLETE');
    if (mine.pledge.status === 'submitted') throw new DomainError('PLEDGE.SUBMITTED');
    if (missingSections(mine.content).length > 0) throw new DomainError('PLEDGE.INCOMPLETE');
    const now = this.deps.clock.now();
    const pledge = this.p.repo.transition(mine.pledge.id, 'draft', { status: 'submitted', submittedAt: now, updatedAt: now });
    if (!pledge) throw new DomainError('PLEDGE.SUBMITTED');
    this.audit(caller, pledge, 'pledge.submit');
    return { ...this.assemble(mine.cell, mine.member, year, pledge, this.today(mine.cell)) };
  }

  /** Takes a submitted pledge back to edit it (while its year is open); it counts as registered again once resubmitted. */
  withdraw(caller: Caller, cellId: number, year: number): MyPledge {
    const mine = this.mine(caller, cellId, year);
    if (!mine.open) throw new DomainError('PLEDGE.YEAR_CLOSED');
    if (mine.pledge?.status !== 'submitted') throw new DomainError('PLEDGE.NOT_SUBMITTED');
    const now = this.deps.clock.now();
    const pledge = this.p.repo.transition(mine.pledge.id, 'submitted', { status: 'draft', submittedAt: null, updatedAt: now });
    if (!pledge) throw new DomainError('PLEDGE.NOT_SUBMITTED');
    this.audit(caller, pledge, 'pledge.withdraw');
    return this.assemble(mine.cell, mine.member, year, pledge, this.today(mine.cell));
  }

  /** The mid-year self-check: after submitting, from the self-check day of the year. */
  writeSelfCheck(caller: Caller, cellId: number, year: number, text: string, mode: 'append' | 'replace'): MyPledge {
    const mine = this.mine(caller, cellId, year);
    if (mine.pledge?.status !== 'submitted') throw new DomainError('PLEDGE.NOT_SUBMITTED');
    if (!mine.selfCheckOpen) throw new DomainError('PLEDGE.SELF_CHECK_CLOSED');
    const written = writeSelfCheck(mine.selfCheck, text, mode);
    if (!written.ok) throw new DomainError(written.code);
    const now = this.deps.clock.now();
    const pledge = this.p.repo.update(mine.pledge.id, { selfCheck: written.value, selfCheckAt: now, updatedAt: now });
    if (mine.selfCheck.length === 0 && pledge) this.audit(caller, pledge, 'pledge.selfCheck');
    return { ...mine, pledge, selfCheck: written.value };
  }

  // ---- leaders ----------------------------------------------------------------------------------------

  /** Who has registered for `year`: counts and names (not the text). */
  status(caller: Caller, cellId: number, year: number): PledgeStatus {
    this.p.access.require(caller, cellId, 'pledge.status');
    return this.statusOf(cellId, year, this.today(this.cell(cellId)));
  }

  private statusOf(cellId: number, year: number, asOfIso: string): PledgeStatus {
    const { members } = this.deps.repos;
    const exemptions = members.exemptionsInCell(cellId);
    const pledges = this.p.repo.inCell(cellId, year);
    const byMember = new Map(pledges.map((p) => [p.memberId, p]));
    const active = members.list(cellId, ['active']);
    const expectedIds = active.filter((m) => expectedToPledge(factsOf(m, exemptions), asOfIso)).map((m) => m.id);
    const rows = active.map((member) => {
      const p = byMember.get(member.id);
      return { member, status: (p?.status ?? 'none') as PledgeState, pledgeId: p?.id ?? null, selfChecked: parseParagraphs(p?.selfCheck).length > 0, expected: expectedIds.includes(member.id) };
    });
    const counts = countPledges(
      expectedIds,
      pledges.map((p) => ({ memberId: p.memberId, status: p.status, selfChecked: parseParagraphs(p.selfCheck).length > 0 })),
    );
    return { year, counts, rows };
  }

  /** A pledge's text: its author always; the secretary and deputy once it is submitted. */
  read(caller: Caller, pledgeId: number): ReadablePledge {
    const pledge = this.p.repo.get(pledgeId);
    if (!pledge) throw new DomainError('PLEDGE.NOT_FOUND');
    const { member } = this.p.access.actor(caller, pledge.cellId);
    const isAuthor = member?.id === pledge.memberId && member.status === 'active';
    if (!isAuthor) {
      this.p.access.require(caller, pledge.cellId, 'pledge.read');
      if (pledge.status !== 'submitted') throw new DomainError('PLEDGE.NOT_FOUND');
    }
    const author = this.deps.repos.members.get(pledge.memberId);
    if (!author) throw new DomainError('PLEDGE.NOT_FOUND');
    return { cell: this.cell(pledge.cellId), author, pledge, content: parsePledge(pledge.content), selfCheck: parseParagraphs(pledge.selfCheck), isAuthor };
  }

  /** Counts for the scorecard and /tongket (no permission check: for services). */
  counts(cellId: number, year: number, asOfIso: string): PledgeCounts {
    return this.statusOf(cellId, year, asOfIso).counts;
  }

  private audit(caller: Caller, pledge: PledgeRow, action: string): void {
    this.deps.repos.audit.record({ cellId: pledge.cellId, actorPersonId: caller.personId, action, targetMemberId: pledge.memberId, details: { year: pledge.year }, createdAt: this.deps.clock.now() });
  }

  // ---- scheduled: the January reminder and the July self-check ------------------------------------------------

  runJob(now: number, dryRun: boolean): { reminders: number; selfChecks: number } {
    const report = { reminders: 0, selfChecks: 0 };
    for (const cell of this.deps.repos.cells.list()) {
      try {
        this.runCell(cell, now, dryRun, report);
      } catch (err) {
        this.p.log?.error({ err, job: 'pledges', cell: cell.id }, 'pledge job step failed');
      }
    }
    if (report.reminders + report.selfChecks > 0) this.p.log?.info({ job: 'pledges', ...report, dryRun }, 'pledge prompts queued');
    return report;
  }

  private runCell(cell: CellRow, now: number, dryRun: boolean, report: { reminders: number; selfChecks: number }): void {
    const settings = this.p.settings.of(cell.id);
    const s = settings.pledges;
    const quiet = { from: settings.meetings.quietFrom, to: settings.meetings.quietTo };
    const tz = cell.timezone;
    const today = isoDateIn(now, tz);
    // Once a day per cell and prompt: each member's message is keyed anyway; this spares recounting every minute of the window.
    const once = (kind: string, year: number | null): number | null => (year === null || dryRun || this.deps.repos.outbox.claimJob(`pledge:run:${kind}:${cell.id}:${year}:${today}`, now) ? year : null);
    const registerYear = once('remind', yearlyPromptDue(now, tz, s.remindOn, s.hour, PROMPT_WINDOW_DAYS, quiet));
    const checkYear = once('check', yearlyPromptDue(now, tz, s.selfCheckOn, s.hour, PROMPT_WINDOW_DAYS, quiet));
    if (registerYear === null && checkYear === null) return;
    const exemptions = this.deps.repos.members.exemptionsInCell(cell.id);
    const expected = this.deps.repos.members.list(cell.id, ['active']).filter((m) => expectedToPledge(factsOf(m, exemptions), today));
    if (registerYear !== null) {
      const done = new Set(this.p.repo.inCell(cell.id, registerYear).filter((p) => p.status === 'submitted').map((p) => p.memberId));
      for (const m of expected.filter((x) => !done.has(x.id))) {
        report.reminders++;
        if (dryRun) continue;
        this.p.notifier.toPerson(m.personId, cell.id, `pledge:remind:${registerYear}:m${m.id}`, (t) => ({
          text: t('pledges.notice.remind', { year: registerYear, cell: cell.name }),
          choices: [[choice(t('pledges.menu.write'), `pl:y:${cell.id}:${registerYear}`)]],
        }), false);
      }
    }
    if (checkYear !== null) {
      const byMember = new Map(this.p.repo.inCell(cell.id, checkYear).map((p) => [p.memberId, p]));
      for (const m of expected) {
        const p = byMember.get(m.id);
        if (p && parseParagraphs(p.selfCheck).length > 0) continue;
        report.selfChecks++;
        if (dryRun) continue;
        const registered = p?.status === 'submitted';
        this.p.notifier.toPerson(m.personId, cell.id, `pledge:check:${checkYear}:m${m.id}`, (t) => ({
          text: t(registered ? 'pledges.notice.selfCheck' : 'pledges.notice.selfCheckUnregistered', { year: checkYear, cell: cell.name }),
          choices: [[choice(t(registered ? 'pledges.menu.selfCheck' : 'pledges.menu.write'), registered ? `pl:sc:${cell.id}:${checkYear}` : `pl:y:${cell.id}:${checkYear}`)]],
        }), false);
      }
    }
  }
}

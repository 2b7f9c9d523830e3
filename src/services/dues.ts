import { isoDateIn } from '../conversation/format.js';
import {
  addMonths,
  basisOn,
  checkRelief,
  classifyPayment,
  computeCharge,
  isMonth,
  isSettled,
  monthOf,
  monthsFromTo,
  needsBase,
  owedMonths,
  reliefCovers,
  settle,
  splitShare,
  type AmountSettings,
  type Basis,
  type Month,
  type MonthState,
  type PaymentMethod,
  type ReliefKind,
  type Settlement,
  type Span,
} from '../domain/dues.js';
import { DomainError } from '../domain/errors.js';
import type { DuesCategory } from '../domain/members.js';
import { can, type PrivilegedAction } from '../domain/roles.js';
import { rulesOn } from '../domain/rules.js';
import type { CellRow } from '../store/repos/cells.js';
import { DuesRepo, type DuesBasisRow, type DuesChargeInsert, type DuesChargeRow, type DuesPaymentRow, type DuesReliefRow } from '../store/repos/dues.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';
import type { SettingsService } from './settings.js';

/** Months filled in at most this far back when a cell's charges are brought up to date. */
const BACKFILL_MONTHS = 24;
const MAX_AMOUNT = 1_000_000_000;
const MAX_TEXT = 300;

/** One member's month as the views and reminders show it. */
export interface MonthLine extends MonthState {
  chargeId: number;
  memberId: number;
  percentOff: number;
  reliefKind: ReliefKind | null;
  category: DuesCategory;
  settlement: Settlement;
  remindedAt: number | null;
  payments: DuesPaymentRow[];
}

export interface MemberDues {
  cell: CellRow;
  member: MemberRow;
  today: string;
  currentMonth: Month;
  /** The basis in force this month, with the private income base (only for the member, collector, secretary). */
  basis: Pick<Basis, 'category' | 'incomeBase' | 'fixedAmount' | 'fromMonth'> | null;
  current: MonthLine | null;
  /** Newest first, the last twelve months and any older month still owed. */
  history: MonthLine[];
  owed: MonthLine[];
  reliefs: DuesReliefRow[];
  bases: DuesBasisRow[];
  /** A temporary exemption from activities running now or later: months in it may be paid late or ahead. */
  flexible: Span | null;
  collectors: MemberRow[];
}

export interface CellMonthRow {
  member: MemberRow;
  line: MonthLine | null;
  /** Earlier months still owed. */
  arrears: MonthLine[];
}

export interface CellMonth {
  cell: CellRow;
  month: Month;
  currentMonth: Month;
  rows: CellMonthRow[];
  totals: { members: number; owing: number; paid: number; partial: number; pending: number; unpaid: number; exempt: number; due: number; collected: number; kept: number; up: number; shareKept: number };
}

export interface DeclareResult {
  payment: DuesPaymentRow;
  line: MonthLine;
  member: MemberRow;
  cell: CellRow;
  /** Who confirms: the collectors, or the secretary when none is set. */
  confirmers: MemberRow[];
}

export interface DecideResult {
  payment: DuesPaymentRow;
  line: MonthLine;
  member: MemberRow;
  cell: CellRow;
}

export interface BasisInput {
  fromMonth: Month;
  category: DuesCategory;
  incomeBase: number | null;
  fixedAmount: number | null;
}

export interface ReliefInput {
  kind: ReliefKind;
  percent: number;
  fromMonth: Month;
  toMonth: Month | null;
  decision: string;
}

/**
 * Party dues: amounts by the rules table, declarations and the collector's confirmation, corrections,
 * exemptions and reductions, and the views of what is paid and owed. Dues actions are allowed by the
 * permission table (secretary) and, besides it, to any active member charged with collecting dues.
 */
export class DuesService {
  readonly repo: DuesRepo;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
    private readonly settings: SettingsService,
    repo?: DuesRepo,
  ) {
    this.repo = repo ?? new DuesRepo(deps.store.db);
  }

  // ---------------------------------------------------------------------------------------------
  // standing

  cell(cellId: number): CellRow {
    const cell = this.deps.repos.cells.get(cellId);
    if (!cell) throw new DomainError('CELL.NOT_FOUND');
    return cell;
  }

  today(cellId: number, now = this.deps.clock.now()): string {
    return isoDateIn(now, this.cell(cellId).timezone);
  }

  /** The collector flag or a role in the permission table; otherwise the usual refusal. */
  requireManager(caller: Caller, cellId: number, action: PrivilegedAction): MemberRow | undefined {
    this.cell(cellId);
    const me = this.deps.repos.members.inCell(cellId, caller.personId);
    if (me?.status === 'active' && me.collectsDues) return me;
    return this.access.require(caller, cellId, action);
  }

  /** For menus: whether the caller sees the collector's and secretary's dues screens. */
  isManager(caller: Caller, cellId: number): boolean {
    const { actor, member } = this.access.actor(caller, cellId);
    return (member?.status === 'active' && member.collectsDues) || can(actor, 'dues.view');
  }

  /** Who confirms a member's declaration: the collectors, else the secretary; never the member themself while someone else can. */
  confirmers(cellId: number, exceptMemberId?: number): MemberRow[] {
    const active = this.deps.repos.members.list(cellId, ['active']);
    const collectors = active.filter((m) => m.collectsDues && m.id !== exceptMemberId);
    if (collectors.length > 0) return collectors;
    const secretaries = active.filter((m) => m.role === 'secretary' && m.id !== exceptMemberId);
    if (secretaries.length > 0) return secretaries;
    return active.filter((m) => m.collectsDues || m.role === 'secretary');
  }

  collectors(cellId: number): MemberRow[] {
    return this.deps.repos.members.list(cellId, ['active']).filter((m) => m.collectsDues);
  }

  /** Secretaries to tell about a member privately (deputies too when the member is the secretary). */
  leadersFor(member: MemberRow): MemberRow[] {
    const secretaries = this.deps.repos.members.withRoles(member.cellId, ['secretary']).filter((m) => m.id !== member.id);
    return secretaries.length > 0 ? secretaries : this.deps.repos.members.withRoles(member.cellId, ['deputy']);
  }

  private target(memberId: number): MemberRow {
    const m = this.deps.repos.members.get(memberId);
    if (!m || m.status === 'rejected' || m.status === 'pending') throw new DomainError('MEMBER.NOT_FOUND');
    return m;
  }

  /** Permission first (so outsiders learn nothing), then the member must be active. */
  private managedTarget(caller: Caller, memberId: number, action: PrivilegedAction): MemberRow {
    const target = this.target(memberId);
    this.requireManager(caller, target.cellId, action);
    if (target.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    return target;
  }

  // ---------------------------------------------------------------------------------------------
  // amounts

  private amountSettings(cellId: number): AmountSettings & { shareKept: number; reminderDay: number; nudgeEveryDays: number } {
    return this.settings.of(cellId).dues;
  }

  shareKept(cellId: number): number {
    return this.amountSettings(cellId).shareKept;
  }

  /** The first month a member owes: the month they joined the cell on the bot. */
  startMonth(member: MemberRow, tz: string): Month {
    return monthOf(member.joinedOn ?? isoDateIn(member.createdAt, tz));
  }

  /** The same for every member of a cell, in one query (the scheduled cycle runs every minute). */
  spansInCell(cellId: number): Map<number, Span[]> {
    const out = new Map<number, Span[]>();
    for (const e of this.deps.repos.members.exemptionsInCell(cellId)) {
      if (e.kind !== 'temporary') continue;
      out.set(e.memberId, [...(out.get(e.memberId) ?? []), { from: e.fromDate, to: e.toDate }]);
    }
    return out;
  }

  /** Temporary exemptions from activities, during which dues may be paid late or in advance. */
  spans(memberId: number): Span[] {
    return this.deps.repos.members
      .exemptionsOf(memberId)
      .filter((e) => e.kind === 'temporary')
      .map((e) => ({ from: e.fromDate, to: e.toDate }));
  }

  private computeRow(member: MemberRow, month: Month, bases: DuesBasisRow[], reliefs: DuesReliefRow[], settings: AmountSettings, now: number): DuesChargeInsert {
    const c = computeCharge(month, basisOn(bases, month), member.duesCategory, reliefs, settings);
    return { cellId: member.cellId, memberId: member.id, month, category: c.category, gross: c.gross, percentOff: c.percentOff, reliefKind: c.reliefKind, due: c.due, fixed: c.fixed, rulesId: c.rulesId, createdAt: now, updatedAt: now };
  }

  /** Opens every month up to `upTo` for active members (from the month each joined), keeping months already open. */
  ensureCharges(cellId: number, upTo: Month, now = this.deps.clock.now(), onlyMemberIds?: number[]): void {
    const cell = this.cell(cellId);
    const members = this.deps.repos.members.list(cellId, ['active']).filter((m) => !onlyMemberIds || onlyMemberIds.includes(m.id));
    if (members.length === 0) return;
    const earliest = addMonths(upTo, -BACKFILL_MONTHS);
    const existing = new Set(this.repo.chargesInCell(cellId, earliest, upTo).map((c) => `${c.memberId}:${c.month}`));
    const settings = this.amountSettings(cellId);
    const bases = this.repo.basesInCell(cellId);
    const reliefs = this.repo.reliefsInCell(cellId);
    const rows: DuesChargeInsert[] = [];
    for (const m of members) {
      const from = this.startMonth(m, cell.timezone);
      for (const month of monthsFromTo(from > earliest ? from : earliest, upTo)) {
        if (existing.has(`${m.id}:${month}`)) continue;
        rows.push(
          this.computeRow(
            m,
            month,
            bases.filter((b) => b.memberId === m.id),
            reliefs.filter((r) => r.memberId === m.id),
            settings,
            now,
          ),
        );
      }
    }
    this.repo.insertCharges(rows);
  }

  /** After a change of basis or relief: months from `fromMonth` on are worked out again. */
  private recompute(member: MemberRow, fromMonth: Month, now: number): void {
    const settings = this.amountSettings(member.cellId);
    const bases = this.repo.basesOf(member.id);
    const reliefs = this.repo.reliefsOf(member.id);
    for (const charge of this.repo.chargesOf(member.id)) {
      if (charge.month < fromMonth) continue;
      const next = this.computeRow(member, charge.month, bases, reliefs, settings, now);
      const changed = (['category', 'gross', 'percentOff', 'reliefKind', 'due', 'fixed', 'rulesId'] as const).some((k) => charge[k] !== next[k]);
      if (changed) this.repo.updateCharge(charge.id, { category: next.category, gross: next.gross ?? null, percentOff: next.percentOff ?? 0, reliefKind: next.reliefKind ?? null, due: next.due ?? null, fixed: next.fixed ?? false, rulesId: next.rulesId, updatedAt: now });
    }
  }

  /** One charge, opened now if needed (an advance month is opened when it is paid). */
  private chargeOf(member: MemberRow, month: Month, now: number): DuesChargeRow {
    const found = this.repo.chargeFor(member.id, month);
    if (found) return found;
    const row = this.computeRow(member, month, this.repo.basesOf(member.id), this.repo.reliefsOf(member.id), this.amountSettings(member.cellId), now);
    this.repo.insertCharges([row]);
    return this.repo.chargeFor(member.id, month) as DuesChargeRow;
  }

  // ---------------------------------------------------------------------------------------------
  // reading

  /** Every charge of the cell with its payments folded in, by member. */
  linesInCell(cellId: number, fromMonth?: Month, toMonth?: Month): Map<number, MonthLine[]> {
    const charges = this.repo.chargesInCell(cellId, fromMonth, toMonth);
    const payments = this.repo.paymentsInCell(cellId, fromMonth, toMonth);
    return this.fold(charges, payments);
  }

  linesOf(memberId: number): MonthLine[] {
    return this.fold(this.repo.chargesOf(memberId), this.repo.paymentsOf(memberId)).get(memberId) ?? [];
  }

  private fold(charges: DuesChargeRow[], payments: DuesPaymentRow[]): Map<number, MonthLine[]> {
    const byKey = new Map<string, DuesPaymentRow[]>();
    for (const p of payments) {
      const key = `${p.memberId}:${p.month}`;
      byKey.set(key, [...(byKey.get(key) ?? []), p]);
    }
    const out = new Map<number, MonthLine[]>();
    for (const c of charges) {
      const ps = byKey.get(`${c.memberId}:${c.month}`) ?? [];
      const confirmed = ps.filter((p) => p.status === 'confirmed').reduce((sum, p) => sum + p.amount, 0);
      const line: MonthLine = {
        chargeId: c.id,
        memberId: c.memberId,
        month: c.month,
        due: c.due,
        confirmed,
        pending: ps.some((p) => p.status === 'declared'),
        percentOff: c.percentOff,
        reliefKind: c.reliefKind,
        category: c.category,
        settlement: settle(c.due, confirmed),
        remindedAt: c.remindedAt,
        payments: ps,
      };
      out.set(c.memberId, [...(out.get(c.memberId) ?? []), line]);
    }
    return out;
  }

  private memberDues(member: MemberRow, now: number): MemberDues {
    const cell = this.cell(member.cellId);
    const today = isoDateIn(now, cell.timezone);
    const currentMonth = monthOf(today);
    if (member.status === 'active') this.ensureCharges(member.cellId, currentMonth, now, [member.id]);
    const lines = this.linesOf(member.id);
    const settings = this.amountSettings(member.cellId);
    const spans = this.spans(member.id);
    const owed = owedMonths(lines, today, settings.reminderDay, spans);
    const recent = addMonths(currentMonth, -11);
    const history = lines.filter((l) => l.month >= recent || owed.includes(l)).reverse();
    const bases = this.repo.basesOf(member.id);
    const basis = basisOn(bases, currentMonth);
    const reliefs = this.repo.reliefsOf(member.id);
    return {
      cell,
      member,
      today,
      currentMonth,
      basis: basis ? { category: basis.category, incomeBase: basis.incomeBase, fixedAmount: basis.fixedAmount, fromMonth: basis.fromMonth } : null,
      current: lines.find((l) => l.month === currentMonth) ?? null,
      history,
      owed,
      reliefs: reliefs.filter((r) => r.toMonth === null || r.toMonth >= currentMonth),
      bases,
      flexible: spans.find((s) => s.to === null || s.to >= today) ?? null,
      collectors: this.collectors(member.cellId),
    };
  }

  /** The caller's own dues in a cell: history, what is owed, and the private income base. */
  mine(caller: Caller, cellId: number): MemberDues {
    const me = this.access.requireMember(caller, cellId, 'dues.declare');
    return this.memberDues(me, this.deps.clock.now());
  }

  /** A member's dues as the collector or the secretary sees them (with the income base and the history of changes). */
  ofMember(caller: Caller, memberId: number): MemberDues {
    const target = this.target(memberId);
    this.requireManager(caller, target.cellId, 'dues.view');
    return { ...this.memberDues(target, this.deps.clock.now()), reliefs: this.repo.reliefsOf(memberId) };
  }

  /** Who has paid a month, totals, arrears, and the share kept and sent up. */
  cellMonth(caller: Caller, cellId: number, month: Month): CellMonth {
    this.requireManager(caller, cellId, 'dues.view');
    if (!isMonth(month)) throw new DomainError('DUES.MONTH_INVALID');
    const now = this.deps.clock.now();
    const cell = this.cell(cellId);
    const today = isoDateIn(now, cell.timezone);
    const currentMonth = monthOf(today);
    this.ensureCharges(cellId, currentMonth, now);
    const settings = this.amountSettings(cellId);
    const lines = this.linesInCell(cellId);
    const members = this.deps.repos.members.list(cellId, ['active']);
    const rows: CellMonthRow[] = members.map((member) => {
      const mine = lines.get(member.id) ?? [];
      const owed = owedMonths(mine, today, settings.reminderDay, this.spans(member.id));
      return { member, line: mine.find((l) => l.month === month) ?? null, arrears: owed.filter((l) => l.month < month) };
    });
    // Members who have left but paid for this month still count in its totals.
    const leftLines = [...lines.entries()].filter(([id]) => !members.some((m) => m.id === id)).flatMap(([, ls]) => ls.filter((l) => l.month === month));
    const monthLines = [...rows.flatMap((r) => (r.line ? [r.line] : [])), ...leftLines];
    const collected = monthLines.reduce((s, l) => s + l.confirmed, 0);
    const share = splitShare(collected, settings.shareKept);
    const withLine = rows.filter((r) => r.line);
    return {
      cell,
      month,
      currentMonth,
      rows,
      totals: {
        members: members.length,
        owing: withLine.filter((r) => r.line?.due !== 0).length,
        paid: withLine.filter((r) => r.line && r.line.due !== 0 && isSettled(r.line.settlement)).length,
        partial: withLine.filter((r) => r.line?.settlement === 'partial').length,
        pending: withLine.filter((r) => r.line?.pending).length,
        unpaid: withLine.filter((r) => r.line?.settlement === 'unpaid' && !r.line.pending).length,
        exempt: withLine.filter((r) => r.line?.due === 0).length,
        due: withLine.reduce((s, r) => s + (r.line?.due ?? 0), 0),
        collected,
        kept: share.kept,
        up: share.up,
        shareKept: settings.shareKept,
      },
    };
  }

  /** Declarations waiting for the collector's confirmation. */
  pending(caller: Caller, cellId: number): { payment: DuesPaymentRow; member: MemberRow }[] {
    this.requireManager(caller, cellId, 'dues.collect');
    return this.repo.pendingInCell(cellId).flatMap((payment) => {
      const member = this.deps.repos.members.get(payment.memberId);
      return member ? [{ payment, member }] : [];
    });
  }

  /** Confirmed payments of a member that the collector or secretary may correct, newest first. */
  confirmedOf(caller: Caller, memberId: number): DuesPaymentRow[] {
    const target = this.target(memberId);
    this.requireManager(caller, target.cellId, 'dues.correct');
    return this.repo
      .paymentsOf(memberId)
      .filter((p) => p.status === 'confirmed')
      .reverse();
  }

  payment(caller: Caller, paymentId: number): { payment: DuesPaymentRow; member: MemberRow } {
    const payment = this.repo.payment(paymentId);
    if (!payment) throw new DomainError('DUES.NOT_FOUND');
    this.requireManager(caller, payment.cellId, 'dues.view');
    return { payment, member: this.target(payment.memberId) };
  }

  // ---------------------------------------------------------------------------------------------
  // paying

  /**
   * The charge a member may declare for `month`: refused before the member's first month, for an
   * exempt month, or ahead of time unless the member is temporarily exempt from activities.
   */
  chargeForMonth(caller: Caller, cellId: number, month: Month): MonthLine {
    const me = this.access.requireMember(caller, cellId, 'dues.declare');
    return this.openMonth(me, month);
  }

  private openMonth(member: MemberRow, month: Month): MonthLine {
    if (!isMonth(month)) throw new DomainError('DUES.MONTH_INVALID');
    const now = this.deps.clock.now();
    const cell = this.cell(member.cellId);
    const current = monthOf(isoDateIn(now, cell.timezone));
    if (month < this.startMonth(member, cell.timezone)) throw new DomainError('DUES.NOT_DUE');
    const timing = classifyPayment(month, current, this.spans(member.id), rulesOn(`${current}-01`).dues);
    if (!timing.ok) throw new DomainError(timing.code);
    this.ensureCharges(member.cellId, current, now, [member.id]);
    const charge = this.chargeOf(member, month, now);
    return this.linesOf(member.id).find((l) => l.chargeId === charge.id) as MonthLine;
  }

  /** The line of a charge the caller may act on as its member. */
  ownLine(caller: Caller, chargeId: number): { line: MonthLine; member: MemberRow } {
    const charge = this.repo.charge(chargeId);
    if (!charge) throw new DomainError('DUES.NOT_FOUND');
    const me = this.access.requireMember(caller, charge.cellId, 'dues.declare');
    if (me.id !== charge.memberId) throw new DomainError('DUES.NOT_YOURS');
    return { line: this.linesOf(me.id).find((l) => l.chargeId === chargeId) as MonthLine, member: me };
  }

  /** Checks that a declaration could be made now, before asking the member for the amount. */
  checkDeclarable(caller: Caller, chargeId: number): { line: MonthLine; member: MemberRow } {
    const own = this.ownLine(caller, chargeId);
    this.checkOpen(own.member, own.line);
    return own;
  }

  private checkOpen(member: MemberRow, line: MonthLine): void {
    const current = monthOf(this.today(member.cellId));
    const timing = classifyPayment(line.month, current, this.spans(member.id), rulesOn(`${current}-01`).dues);
    if (!timing.ok) throw new DomainError(timing.code);
    if (line.due === 0) throw new DomainError('DUES.NOT_DUE');
    if (isSettled(line.settlement)) throw new DomainError('DUES.ALREADY_PAID');
    if (line.pending) throw new DomainError('DUES.ALREADY_DECLARED');
  }

  /** The member says they paid: recorded as a declaration; it counts only when a collector confirms it. */
  declare(caller: Caller, chargeId: number, method: PaymentMethod, amount: number, receiptRef: string | null): DeclareResult {
    const { line, member } = this.ownLine(caller, chargeId);
    this.checkOpen(member, line);
    checkAmount(amount, false);
    const now = this.deps.clock.now();
    const current = monthOf(this.today(member.cellId, now));
    const timing = classifyPayment(line.month, current, this.spans(member.id), rulesOn(`${current}-01`).dues);
    const payment = this.repo.insertPayment({
      cellId: member.cellId,
      memberId: member.id,
      month: line.month,
      amount,
      method,
      status: 'declared',
      timing: timing.ok ? timing.timing : 'on_time',
      receiptRef: receiptRef ? receiptRef.slice(0, 500) : null,
      declaredBy: caller.personId,
      declaredAt: now,
      createdAt: now,
      updatedAt: now,
    });
    this.audit(caller, member, 'dues.declare', { month: line.month, amount, method, receipt: receiptRef !== null });
    return { payment, line: this.lineOf(member.id, line.chargeId), member, cell: this.cell(member.cellId), confirmers: this.confirmers(member.cellId, member.id) };
  }

  /** "Đã nhận" / "Chưa nhận": only a collector (or the secretary) decides, and only once. */
  decide(caller: Caller, paymentId: number, received: boolean): DecideResult {
    const payment = this.repo.payment(paymentId);
    if (!payment) throw new DomainError('DUES.NOT_FOUND');
    this.requireManager(caller, payment.cellId, 'dues.collect');
    const now = this.deps.clock.now();
    const patch = received
      ? { status: 'confirmed' as const, decidedBy: caller.personId, decidedAt: now, paidOn: this.today(payment.cellId, now), updatedAt: now }
      : { status: 'refused' as const, decidedBy: caller.personId, decidedAt: now, updatedAt: now };
    const updated = this.repo.transitionPayment(paymentId, 'declared', patch);
    if (!updated) throw new DomainError('DUES.ALREADY_DECIDED');
    const member = this.target(payment.memberId);
    this.audit(caller, member, received ? 'dues.confirm' : 'dues.refuse', { month: payment.month, amount: payment.amount, method: payment.method });
    const charge = this.repo.chargeFor(member.id, payment.month);
    return { payment: updated, line: this.lineOf(member.id, charge?.id ?? -1), member, cell: this.cell(member.cellId) };
  }

  /** The collector records money received (at a meeting, say) without a declaration; confirmed at once. */
  record(caller: Caller, memberId: number, month: Month, amount: number, method: PaymentMethod): DecideResult {
    const target = this.managedTarget(caller, memberId, 'dues.collect');
    checkAmount(amount, false);
    const line = this.openMonth(target, month);
    if (line.due === 0) throw new DomainError('DUES.NOT_DUE');
    const now = this.deps.clock.now();
    const current = monthOf(this.today(target.cellId, now));
    const timing = classifyPayment(month, current, this.spans(target.id), rulesOn(`${current}-01`).dues);
    const payment = this.repo.insertPayment({
      cellId: target.cellId,
      memberId: target.id,
      month,
      amount,
      method,
      status: 'confirmed',
      timing: timing.ok ? timing.timing : 'on_time',
      declaredBy: caller.personId,
      declaredAt: now,
      decidedBy: caller.personId,
      decidedAt: now,
      paidOn: this.today(target.cellId, now),
      createdAt: now,
      updatedAt: now,
    });
    this.audit(caller, target, 'dues.record', { month, amount, method });
    return { payment, line: this.lineOf(target.id, line.chargeId), member: target, cell: this.cell(target.cellId) };
  }

  /** Corrects a confirmed payment (0 cancels it), with a reason; only the collector or the secretary. */
  correct(caller: Caller, paymentId: number, newAmount: number, reason: string): DecideResult & { oldAmount: number } {
    const payment = this.repo.payment(paymentId);
    if (!payment) throw new DomainError('DUES.NOT_FOUND');
    this.requireManager(caller, payment.cellId, 'dues.correct');
    if (payment.status !== 'confirmed') throw new DomainError('DUES.NOT_CONFIRMED');
    const why = reason.trim();
    if (why.length === 0) throw new DomainError('DUES.REASON_REQUIRED');
    if (why.length > MAX_TEXT) throw new DomainError('INPUT.TOO_LONG', { max: MAX_TEXT });
    checkAmount(newAmount, true);
    if (newAmount === payment.amount) throw new DomainError('DUES.AMOUNT_INVALID');
    const member = this.target(payment.memberId);
    const now = this.deps.clock.now();
    const updated = this.repo.transaction(() => {
      const row = this.repo.transitionPayment(paymentId, 'confirmed', newAmount === 0 ? { status: 'void', amount: 0, updatedAt: now } : { amount: newAmount, updatedAt: now });
      if (!row) throw new DomainError('DUES.NOT_CONFIRMED');
      this.repo.addCorrection({ cellId: payment.cellId, paymentId, oldAmount: payment.amount, newAmount, reason: why, correctedBy: caller.personId, createdAt: now });
      this.audit(caller, member, 'dues.correct', { month: payment.month, from: payment.amount, to: newAmount });
      return row;
    });
    const charge = this.repo.chargeFor(member.id, payment.month);
    return { payment: updated, line: this.lineOf(member.id, charge?.id ?? -1), member, cell: this.cell(member.cellId), oldAmount: payment.amount };
  }

  /** A member asks for a reduction or exemption: the secretary is told (the reason travels only in that message). */
  requestRelief(caller: Caller, chargeId: number): { line: MonthLine; member: MemberRow; leaders: MemberRow[] } {
    const { line, member } = this.ownLine(caller, chargeId);
    this.audit(caller, member, 'dues.reliefRequest', { month: line.month });
    return { line, member, leaders: this.leadersFor(member) };
  }

  // ---------------------------------------------------------------------------------------------
  // amounts, exemptions, reductions

  /** A new basis from a month on (category, private income base, or an amount set by hand); earlier months keep theirs. */
  setBasis(caller: Caller, memberId: number, input: BasisInput): DuesBasisRow {
    const target = this.managedTarget(caller, memberId, 'dues.setAmount');
    if (!isMonth(input.fromMonth)) throw new DomainError('DUES.MONTH_INVALID');
    if (input.incomeBase !== null) checkAmount(input.incomeBase, true);
    if (input.fixedAmount !== null) checkAmount(input.fixedAmount, true);
    if (input.fixedAmount === null && needsBase(input.category) && input.incomeBase === null) throw new DomainError('DUES.BASE_REQUIRED');
    const now = this.deps.clock.now();
    return this.repo.transaction(() => {
      const row = this.repo.addBasis({ cellId: target.cellId, memberId, fromMonth: input.fromMonth, category: input.category, incomeBase: needsBase(input.category) ? input.incomeBase : null, fixedAmount: input.fixedAmount, createdBy: caller.personId, createdAt: now });
      this.recompute(target, input.fromMonth, now);
      // The income base is private: the audit says that it changed, not what it is.
      this.audit(caller, target, 'dues.setBasis', { from: input.fromMonth, category: input.category, incomeBase: input.incomeBase !== null, fixedAmount: input.fixedAmount });
      return row;
    });
  }

  /**
   * A basis written by a roll import. RosterService has already checked the importer's rights
   * (secretary or dues collector, or the operator at the command line).
   */
  importBasis(member: MemberRow, input: BasisInput, actorPersonId: number | null): void {
    const now = this.deps.clock.now();
    this.repo.addBasis({ cellId: member.cellId, memberId: member.id, fromMonth: input.fromMonth, category: input.category, incomeBase: needsBase(input.category) ? input.incomeBase : null, fixedAmount: input.fixedAmount, createdBy: actorPersonId, createdAt: now });
    this.recompute(member, input.fromMonth, now);
    this.deps.repos.audit.record({ cellId: member.cellId, actorPersonId, action: 'dues.setBasis', targetMemberId: member.id, details: { from: input.fromMonth, category: input.category, incomeBase: input.incomeBase !== null, imported: true }, createdAt: now });
  }

  /** Records an exemption or a hardship reduction with its decision; months it covers are worked out again. */
  addRelief(caller: Caller, memberId: number, input: ReliefInput): DuesReliefRow {
    const target = this.managedTarget(caller, memberId, 'dues.relief');
    const decision = input.decision.trim();
    if (decision.length === 0) throw new DomainError('DUES.DECISION_REQUIRED');
    if (decision.length > MAX_TEXT) throw new DomainError('INPUT.TOO_LONG', { max: MAX_TEXT });
    const problem = checkRelief(input, rulesOn(isMonth(input.fromMonth) ? `${input.fromMonth}-01` : '2000-01-01').dues);
    if (problem) throw new DomainError(problem);
    const now = this.deps.clock.now();
    return this.repo.transaction(() => {
      const row = this.repo.addRelief({ cellId: target.cellId, memberId, kind: input.kind, percent: input.percent, fromMonth: input.fromMonth, toMonth: input.toMonth, decision, createdBy: caller.personId, createdAt: now, updatedAt: now });
      this.recompute(target, input.fromMonth, now);
      this.audit(caller, target, 'dues.relief', { kind: input.kind, percent: input.percent, from: input.fromMonth, to: input.toMonth });
      return row;
    });
  }

  /** Ends an exemption or reduction after `lastMonth` (the month before it starts cancels it). */
  endRelief(caller: Caller, reliefId: number, lastMonth: Month): DuesReliefRow {
    const relief = this.repo.relief(reliefId);
    if (!relief) throw new DomainError('DUES.NOT_FOUND');
    const target = this.managedTarget(caller, relief.memberId, 'dues.relief');
    if (!isMonth(lastMonth)) throw new DomainError('DUES.MONTH_INVALID');
    if (lastMonth < addMonths(relief.fromMonth, -1)) throw new DomainError('DUES.MONTH_ORDER');
    if (relief.toMonth !== null && lastMonth > relief.toMonth) throw new DomainError('DUES.MONTH_ORDER');
    const now = this.deps.clock.now();
    return this.repo.transaction(() => {
      const row = this.repo.endRelief(reliefId, lastMonth, now) as DuesReliefRow;
      this.recompute(target, relief.fromMonth, now);
      this.audit(caller, target, 'dues.reliefEnd', { kind: relief.kind, to: lastMonth });
      return row;
    });
  }

  /** Reliefs in force in a month, for the views. */
  reliefIn(reliefs: readonly DuesReliefRow[], month: Month): DuesReliefRow | null {
    return reliefs.filter((r) => reliefCovers(r, month)).sort((a, b) => b.percent - a.percent)[0] ?? null;
  }

  private lineOf(memberId: number, chargeId: number): MonthLine {
    return this.linesOf(memberId).find((l) => l.chargeId === chargeId) as MonthLine;
  }

  private audit(caller: Caller, target: MemberRow, action: string, details: Record<string, string | number | boolean | null>): void {
    this.deps.repos.audit.record({ cellId: target.cellId, actorPersonId: caller.personId, action, targetMemberId: target.id, details, createdAt: this.deps.clock.now() });
  }
}

function checkAmount(amount: number, allowZero: boolean): void {
  if (!Number.isSafeInteger(amount) || amount < (allowZero ? 0 : 1) || amount > MAX_AMOUNT) throw new DomainError('DUES.AMOUNT_INVALID');
}

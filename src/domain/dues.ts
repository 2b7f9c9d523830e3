/**
 * Party dues (đảng phí) as pure rules: months, amounts by the versioned rules table, exemptions and
 * hardship reductions, when a payment may be made, what is owed, and the three-month count.
 * No clock and no I/O: "today" is always an ISO date passed in, in the cell's time zone.
 */
import type { DuesCategory } from './members.js';
import { rulesOn, type DuesRates, type RuleSet } from './rules.js';

/** A calendar month, 'yyyy-mm'. Compares correctly as a string. */
export type Month = string;

export const reliefKinds = ['fifty_years', 'social_pension', 'poor_household', 'serious_illness', 'hardship'] as const;
export type ReliefKind = (typeof reliefKinds)[number];

export const paymentMethods = ['cash', 'portal'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

export const paymentStatuses = ['declared', 'confirmed', 'refused', 'void'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** on_time: the month itself; late: an overdue month settled afterwards; deferred/advance: allowed to members temporarily exempt from activities. */
export const paymentTimings = ['on_time', 'late', 'deferred', 'advance'] as const;
export type PaymentTiming = (typeof paymentTimings)[number];

/** Categories whose dues are a share of an amount the member earns or receives. */
export const categoriesWithBase: readonly DuesCategory[] = ['insured', 'sick_leave', 'pensioner'];
export const needsBase = (c: DuesCategory): boolean => categoriesWithBase.includes(c);

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const isMonth = (s: unknown): s is Month => typeof s === 'string' && MONTH.test(s);

const pad = (n: number): string => String(n).padStart(2, '0');

/** The month an ISO date (yyyy-mm-dd) falls in. */
export const monthOf = (isoDate: string): Month => isoDate.slice(0, 7);

export function addMonths(m: Month, n: number): Month {
  const year = Number(m.slice(0, 4));
  const month = Number(m.slice(5, 7)) - 1 + n;
  const y = year + Math.floor(month / 12);
  return `${y}-${pad((((month % 12) + 12) % 12) + 1)}`;
}

/** Months from `a` to `b` (b − a); negative when b is earlier. */
export function monthDiff(a: Month, b: Month): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/** Every month from `a` to `b` inclusive (empty when b < a). */
export function monthsFromTo(a: Month, b: Month): Month[] {
  const out: Month[] = [];
  for (let m = a; m <= b; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** "11/2026". */
export const formatMonth = (m: Month): string => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

/** The 8-digit compact form used in button data: '2026-11' → '202611'. */
export const packMonth = (m: Month): string => m.replace('-', '');
export const unpackMonth = (s: string | undefined): Month | null => {
  const m = s && /^\d{6}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4)}` : null;
  return isMonth(m) ? m : null;
};

/**
 * What people type for a month: "12/2026", "12-2026", "12.26", "tháng 12/2026", "2026-12", or "12"
 * alone (this year). Returns null for anything else.
 */
export function parseTypedMonth(input: string, current: Month): Month | null {
  const t = input
    .trim()
    .toLowerCase()
    .replace(/^(tháng|thang|month)\s*/, '');
  const iso = t.match(/^(\d{4})[-/.](\d{1,2})$/);
  if (iso) return checked(Number(iso[1]), Number(iso[2]));
  const m = t.match(/^(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?$/);
  if (!m) return null;
  let year = m[2] === undefined ? Number(current.slice(0, 4)) : Number(m[2]);
  if (year < 100) year += 2000;
  return checked(year, Number(m[1]));
}

function checked(year: number, month: number): Month | null {
  if (!Number.isInteger(year) || year < 1990 || year > 2100 || month < 1 || month > 12) return null;
  return `${year}-${pad(month)}`;
}

/** Parses an amount as typed: "50000", "50.000", "50 000 đ", "50,000". Null unless a whole number of đồng within limits. */
export function parseAmount(input: string, max = 1_000_000_000): number | null {
  const t = input.trim().toLowerCase().replace(/(đồng|dong|đ|vnd)$/u, '').trim();
  if (!/^\d{1,3}([.,\s]\d{3})*$|^\d+$/.test(t)) return null;
  const n = Number(t.replace(/[.,\s]/g, ''));
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? n : null;
}

export function quarterOf(m: Month): { year: number; quarter: number } {
  return { year: Number(m.slice(0, 4)), quarter: Math.floor((Number(m.slice(5, 7)) - 1) / 3) + 1 };
}

export function monthsOfQuarter(year: number, quarter: number): Month[] {
  const first = `${year}-${pad((quarter - 1) * 3 + 1)}`;
  return monthsFromTo(first, addMonths(first, 2));
}

// ---------------------------------------------------------------------------------------------
// amounts

/** How a member's dues are worked out from a month on. History is kept: a later entry wins from its month. */
export interface Basis {
  fromMonth: Month;
  category: DuesCategory;
  /** Salary / social-insurance base, benefit or pension, in đồng; private to the member, the collector and the secretary. */
  incomeBase: number | null;
  /** An amount set by hand by the collector, replacing the computed one. */
  fixedAmount: number | null;
}

export interface Relief {
  kind: ReliefKind;
  /** 100 for an exemption; 30, 50 or 70 (or 100) for hardship. */
  percent: number;
  fromMonth: Month;
  /** Last month covered; null = until further notice. */
  toMonth: Month | null;
}

export interface AmountSettings {
  otherAmount: number;
  abroadAmount: number;
  roundTo: number;
}

/** The entry in force in `month`: the one with the latest start not after it (later entries win ties). */
export function basisOn(bases: readonly Basis[], month: Month): Basis | null {
  let found: Basis | null = null;
  for (const b of bases) if (b.fromMonth <= month && (found === null || b.fromMonth >= found.fromMonth)) found = b;
  return found;
}

export const reliefCovers = (r: Relief, month: Month): boolean => r.fromMonth <= month && (r.toMonth === null || month <= r.toMonth);

/** The most generous relief covering `month`, if any. */
export function reliefOn<R extends Relief>(reliefs: readonly R[], month: Month): R | null {
  let found: R | null = null;
  for (const r of reliefs) if (reliefCovers(r, month) && (found === null || r.percent > found.percent)) found = r;
  return found;
}

/** Integer division rounding halves up. */
const roundDiv = (num: number, den: number): number => Math.floor((2 * num + den) / (2 * den));

/** Rounds to a multiple of `roundTo` đồng, halves up (roundTo 1 = to the đồng). */
export function roundAmount(amount: number, roundTo: number): number {
  const step = Math.max(1, Math.floor(roundTo));
  return roundDiv(Math.round(amount), step) * step;
}

/** A rate such as 0.005 as parts per ten thousand (50), so amounts are computed in integers. */
const perTenThousand = (rate: number): number => Math.round(rate * 10_000);

/**
 * The month's gross amount before relief, in ten-thousandths of a đồng (exact), or null when the
 * category needs an income base and none is recorded.
 */
function grossScaled(category: DuesCategory, incomeBase: number | null, rates: DuesRates, settings: AmountSettings): number | null {
  switch (category) {
    case 'insured':
      return incomeBase === null ? null : incomeBase * perTenThousand(rates.insuredRate);
    case 'sick_leave':
      return incomeBase === null ? null : incomeBase * perTenThousand(rates.sickLeaveRate);
    case 'pensioner':
      return incomeBase === null ? null : incomeBase * perTenThousand(rates.pensionRate);
    case 'student':
      return rates.studentAmount * 10_000;
    case 'other':
      return settings.otherAmount * 10_000;
    case 'abroad':
      return settings.abroadAmount * 10_000;
  }
}

export interface Charge {
  month: Month;
  category: DuesCategory;
  /** Amount before relief, rounded; null when it cannot be computed (no income base). */
  gross: number | null;
  /** Share taken off by an exemption or reduction (0–100). */
  percentOff: number;
  reliefKind: ReliefKind | null;
  /** What the member owes for the month; null when unknown (no income base yet). */
  due: number | null;
  /** Set by hand by the collector. */
  fixed: boolean;
  /** The rules-table entry used (months before 01/02/2026 use the 342-QĐ/TW entry). */
  rulesId: string;
}

/** The month's dues for one member, by the rules entry in force on the 1st of that month. */
export function computeCharge(month: Month, basis: Basis | null, fallbackCategory: DuesCategory, reliefs: readonly Relief[], settings: AmountSettings): Charge {
  const rules: RuleSet = rulesOn(`${month}-01`);
  const category = basis?.category ?? fallbackCategory;
  const fixed = basis?.fixedAmount !== null && basis?.fixedAmount !== undefined;
  const scaled = fixed ? (basis?.fixedAmount as number) * 10_000 : grossScaled(category, basis?.incomeBase ?? null, rules.dues, settings);
  const relief = reliefOn(reliefs, month);
  const percentOff = relief?.percent ?? 0;
  // One rounding, at the end, to a multiple of roundTo (an amount set by hand is kept to the đồng).
  const step = fixed ? 1 : Math.max(1, settings.roundTo);
  const gross = scaled === null ? null : roundDiv(scaled, 10_000 * step) * step;
  const due = scaled === null ? (percentOff === 100 ? 0 : null) : roundDiv(scaled * (100 - percentOff), 1_000_000 * step) * step;
  return { month, category, gross, percentOff, reliefKind: relief?.kind ?? null, due, fixed, rulesId: rules.id };
}

/** Checks a relief before it is recorded; returns an error code or null. */
export function checkRelief(r: Relief, rates: DuesRates): 'DUES.RELIEF_INVALID' | 'DUES.RELIEF_TOO_LONG' | 'DUES.MONTH_ORDER' | 'DUES.MONTH_INVALID' | null {
  if (!isMonth(r.fromMonth) || (r.toMonth !== null && !isMonth(r.toMonth))) return 'DUES.MONTH_INVALID';
  if (r.toMonth !== null && r.toMonth < r.fromMonth) return 'DUES.MONTH_ORDER';
  if (r.kind === 'hardship') {
    const allowed = [...rates.hardshipReductions.map((x) => Math.round(x * 100)), 100];
    if (!allowed.includes(r.percent)) return 'DUES.RELIEF_INVALID';
    // A hardship decision covers at most hardshipMaxMonths (12) months, so it must say when it ends.
    if (r.toMonth === null || monthDiff(r.fromMonth, r.toMonth) + 1 > rates.hardshipMaxMonths) return 'DUES.RELIEF_TOO_LONG';
    return null;
  }
  if (!rates.exemptionGrounds.includes(r.kind) || r.percent !== 100) return 'DUES.RELIEF_INVALID';
  return null;
}

/** Share kept by the cell and the amount sent up to the superior committee. */
export function splitShare(total: number, shareKept: number): { kept: number; up: number } {
  const kept = Math.round(total * shareKept);
  return { kept, up: total - kept };
}

// ---------------------------------------------------------------------------------------------
// when a month may be paid

/** A period of temporary exemption from activities (tạm miễn sinh hoạt), ISO dates, `to` inclusive or open. */
export interface Span {
  from: string;
  to: string | null;
}

const touches = (s: Span, month: Month): boolean => monthOf(s.from) <= month && (s.to === null || month <= monthOf(s.to));

/**
 * Whether `month` may be paid now, and how the payment is classed. The member's own month is on
 * time; an earlier month is a late payment, except within a temporary exemption from activities,
 * where paying afterwards is allowed ("deferred"); a later month only within such an exemption,
 * for its length (open-ended exemptions: `advanceMaxMonths` ahead).
 */
export function classifyPayment(month: Month, current: Month, spans: readonly Span[], rates: Pick<DuesRates, 'advanceMaxMonths'>): { ok: true; timing: PaymentTiming } | { ok: false; code: 'DUES.ADVANCE_NOT_ALLOWED' } {
  if (month === current) return { ok: true, timing: 'on_time' };
  const covered = spans.some((s) => touches(s, month));
  if (month < current) return { ok: true, timing: covered ? 'deferred' : 'late' };
  const within = spans.some((s) => touches(s, month) && (s.to !== null || monthDiff(current, month) <= rates.advanceMaxMonths));
  return within ? { ok: true, timing: 'advance' } : { ok: false, code: 'DUES.ADVANCE_NOT_ALLOWED' };
}

/** A month inside a temporary exemption that has not ended by `today` is not yet overdue. */
export const isDeferred = (month: Month, todayIso: string, spans: readonly Span[]): boolean => spans.some((s) => touches(s, month) && (s.to === null || s.to >= todayIso));

// ---------------------------------------------------------------------------------------------
// what is owed

export type Settlement = 'exempt' | 'paid' | 'over' | 'partial' | 'unpaid';

/** A month is paid only by confirmed amounts; more than the rate is welcome and recorded as such. */
export function settle(due: number | null, confirmed: number): Settlement {
  if (due === 0) return confirmed > 0 ? 'over' : 'exempt';
  if (confirmed <= 0) return 'unpaid';
  if (due === null) return 'paid';
  if (confirmed < due) return 'partial';
  return confirmed === due ? 'paid' : 'over';
}

export const isSettled = (s: Settlement): boolean => s === 'exempt' || s === 'paid' || s === 'over';

export interface MonthState {
  month: Month;
  due: number | null;
  /** Sum of confirmed payments. */
  confirmed: number;
  /** A declaration waits for the collector. */
  pending: boolean;
}

/** Whether the month's reminder has gone out by `today` (its reminder day has come). */
export const reminderDue = (month: Month, todayIso: string, reminderDay: number): boolean => month < monthOf(todayIso) || (month === monthOf(todayIso) && Number(todayIso.slice(8, 10)) >= reminderDay);

/**
 * Months a member should be nudged about: reminded already, not settled, no declaration waiting,
 * and not deferred by a running temporary exemption. Each month stands on its own.
 */
export function owedMonths<S extends MonthState>(states: readonly S[], todayIso: string, reminderDay: number, spans: readonly Span[]): S[] {
  return states
    .filter((s) => reminderDue(s.month, todayIso, reminderDay) && !isSettled(settle(s.due, s.confirmed)) && !s.pending && !isDeferred(s.month, todayIso, spans))
    .sort((a, b) => a.month.localeCompare(b.month));
}

/** What is left to pay on a month (the whole amount when nothing was confirmed); null when the amount is unknown. */
export const remaining = (s: Pick<MonthState, 'due' | 'confirmed'>): number | null => (s.due === null ? null : Math.max(0, s.due - s.confirmed));

/**
 * The three-month rule (Điều lệ Điều 8; Quy định 24-QĐ/TW 8.1): the distinct months of `year` that
 * have ended by `today` with dues owed and nothing confirmed, not covered by an exemption (due 0)
 * or a running deferral. The months need not be consecutive. The software only counts; the cell decides.
 */
export function unpaidMonthsInYear(states: readonly MonthState[], year: number, todayIso: string, spans: readonly Span[]): Month[] {
  const current = monthOf(todayIso);
  return states
    .filter((s) => Number(s.month.slice(0, 4)) === year && s.month < current && s.due !== 0 && s.confirmed <= 0 && !isDeferred(s.month, todayIso, spans))
    .map((s) => s.month)
    .sort();
}

export type RuleLevel = 'none' | 'warn' | 'flag';

/** At `warnAt` months the secretary is told; at `monthsPerYear` the cell has grounds to consider removal. */
export function ruleLevel(count: number, removal: { monthsPerYear: number; warnAt: number }): RuleLevel {
  if (count >= removal.monthsPerYear) return 'flag';
  if (count >= removal.warnAt) return 'warn';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// reminder and nudge windows

const dayNumber = (iso: string): number => Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000);
const fromDayNumber = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);

/**
 * The nudge window `today` falls in. A cycle starts on the reminder day of a month (window 0 is the
 * reminder itself); every `everyDays` days after it a new window opens, until the next reminder day.
 */
export function nudgeWindow(todayIso: string, reminderDay: number, everyDays: number): { cycle: Month; index: number; start: string } {
  const current = monthOf(todayIso);
  const cycle = Number(todayIso.slice(8, 10)) >= reminderDay ? current : addMonths(current, -1);
  const anchor = dayNumber(`${cycle}-${pad(reminderDay)}`);
  const index = Math.floor((dayNumber(todayIso) - anchor) / Math.max(1, everyDays));
  return { cycle, index, start: fromDayNumber(anchor + index * Math.max(1, everyDays)) };
}

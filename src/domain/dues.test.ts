import { describe, expect, it } from 'vitest';
import {
  addMonths,
  basisOn,
  checkRelief,
  classifyPayment,
  computeCharge,
  formatMonth,
  isDeferred,
  isMonth,
  monthDiff,
  monthOf,
  monthsFromTo,
  monthsOfQuarter,
  nudgeWindow,
  owedMonths,
  packMonth,
  parseAmount,
  parseTypedMonth,
  quarterOf,
  reliefOn,
  remaining,
  reminderDue,
  roundAmount,
  ruleLevel,
  settle,
  splitShare,
  unpackMonth,
  unpaidMonthsInYear,
  type AmountSettings,
  type Basis,
  type MonthState,
  type Relief,
} from './dues.js';
import { duesCategories, type DuesCategory } from './members.js';
import { rulesOn } from './rules.js';

const settings: AmountSettings = { otherAmount: 10_000, abroadAmount: 50_000, roundTo: 1 };
const basis = (category: DuesCategory, incomeBase: number | null = null, fromMonth = '2020-01', fixedAmount: number | null = null): Basis => ({ fromMonth, category, incomeBase, fixedAmount });
const due = (month: string, b: Basis | null, s: AmountSettings = settings, reliefs: Relief[] = [], fallback: DuesCategory = 'insured') => computeCharge(month, b, fallback, reliefs, s).due;

describe('months', () => {
  it('adds and subtracts across years', () => {
    expect(addMonths('2026-11', 1)).toBe('2026-12');
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-01', -13)).toBe('2024-12');
    expect(addMonths('2026-06', 0)).toBe('2026-06');
    expect(addMonths('2026-12', 25)).toBe('2029-01');
  });

  it('counts months between and lists them inclusive', () => {
    expect(monthDiff('2026-11', '2027-02')).toBe(3);
    expect(monthDiff('2027-02', '2026-11')).toBe(-3);
    expect(monthsFromTo('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsFromTo('2026-11', '2026-10')).toEqual([]);
  });

  it('formats, packs and validates', () => {
    expect(formatMonth('2026-03')).toBe('03/2026');
    expect(packMonth('2026-03')).toBe('202603');
    expect(unpackMonth('202603')).toBe('2026-03');
    expect(unpackMonth('202613')).toBeNull();
    expect(unpackMonth(undefined)).toBeNull();
    expect(isMonth('2026-12')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(monthOf('2026-11-24')).toBe('2026-11');
  });

  it.each([
    ['12/2026', '2026-12'],
    ['12-2026', '2026-12'],
    ['12.26', '2026-12'],
    ['1/2027', '2027-01'],
    ['tháng 12/2026', '2026-12'],
    ['Thang 3/2027', '2027-03'],
    ['2026-12', '2026-12'],
    ['12', '2026-12'],
    [' 7 ', '2026-07'],
  ])('reads the typed month %s', (typed, month) => {
    expect(parseTypedMonth(typed, '2026-11')).toBe(month);
  });

  it.each(['13/2026', '0/2026', 'abc', '', '12/1800', '31/12/2026', '12//2026'])('refuses %s', (typed) => {
    expect(parseTypedMonth(typed, '2026-11')).toBeNull();
  });

  it('gives quarters and their months', () => {
    expect(quarterOf('2026-11')).toEqual({ year: 2026, quarter: 4 });
    expect(quarterOf('2026-01')).toEqual({ year: 2026, quarter: 1 });
    expect(quarterOf('2026-06')).toEqual({ year: 2026, quarter: 2 });
    expect(monthsOfQuarter(2026, 4)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOfQuarter(2027, 1)).toEqual(['2027-01', '2027-02', '2027-03']);
  });
});

describe('parseAmount', () => {
  it.each([
    ['50000', 50_000],
    ['50.000', 50_000],
    ['50,000', 50_000],
    ['50 000', 50_000],
    ['1.234.567', 1_234_567],
    ['50.000 đ', 50_000],
    ['50000đ', 50_000],
    ['0', 0],
  ])('%s → %d', (typed, n) => {
    expect(parseAmount(typed)).toBe(n);
  });

  it.each(['50.5', '-5', 'năm mươi nghìn', '', '5.00', '1e6', '12.34.567'])('refuses %s', (typed) => {
    expect(parseAmount(typed)).toBeNull();
  });

  it('refuses amounts above the limit', () => {
    expect(parseAmount('2000000000')).toBeNull();
    expect(parseAmount('2000', 1000)).toBeNull();
  });
});

describe('rates by category (Quy định 01-QĐ/TW from 01/02/2026)', () => {
  it('charges 1 % of the social-insurance salary base to insured members', () => {
    expect(due('2026-03', basis('insured', 5_000_000))).toBe(50_000);
    expect(due('2026-03', basis('insured', 4_685_250))).toBe(46_853); // 46,852.5 rounds half up
    expect(due('2026-03', basis('insured', 4_685_240))).toBe(46_852); // 46,852.4 rounds down
  });

  it('charges 1 % of the benefit on sick or maternity leave', () => {
    expect(due('2026-03', basis('sick_leave', 3_200_000))).toBe(32_000);
    expect(due('2026-03', basis('sick_leave', 3_333_333))).toBe(33_333);
  });

  it('charges 0.5 % of the pension to pensioners', () => {
    expect(due('2026-03', basis('pensioner', 3_500_000))).toBe(17_500);
    expect(due('2026-03', basis('pensioner', 3_500_100))).toBe(17_501); // 17,500.5 rounds half up
    expect(due('2026-03', basis('pensioner', 3_500_099))).toBe(17_500);
  });

  it('charges students 5,000 đ', () => {
    expect(due('2026-03', basis('student'))).toBe(5_000);
  });

  it('charges farmers and others the cell-set amount', () => {
    expect(due('2026-03', basis('other'))).toBe(10_000);
    expect(due('2026-03', basis('other'), { ...settings, otherAmount: 25_000 })).toBe(25_000);
  });

  it('charges members abroad the cell-set amount for them', () => {
    expect(due('2026-03', basis('abroad'), { ...settings, abroadAmount: 120_000 })).toBe(120_000);
  });

  it('covers every category of the domain brief', () => {
    for (const c of duesCategories) {
      const charge = computeCharge('2026-03', basis(c, 2_000_000), 'insured', [], settings);
      expect(charge.category).toBe(c);
      expect(charge.due).toBeGreaterThan(0);
    }
  });

  it('cannot compute a share without an income base, and says so', () => {
    for (const c of ['insured', 'sick_leave', 'pensioner'] as const) {
      const charge = computeCharge('2026-03', basis(c, null), 'insured', [], settings);
      expect(charge.due).toBeNull();
      expect(charge.gross).toBeNull();
    }
  });

  it('falls back to the member category when no basis is recorded', () => {
    expect(computeCharge('2026-03', null, 'student', [], settings)).toMatchObject({ category: 'student', due: 5_000 });
    expect(computeCharge('2026-03', null, 'insured', [], settings)).toMatchObject({ category: 'insured', due: null });
  });

  it('uses an amount set by hand by the collector, kept to the đồng', () => {
    const fixed = basis('insured', 5_000_000, '2026-01', 37_777);
    expect(due('2026-03', fixed, { ...settings, roundTo: 1000 })).toBe(37_777);
    expect(computeCharge('2026-03', fixed, 'insured', [], settings).fixed).toBe(true);
  });
});

describe('the change of regulation on 01/02/2026', () => {
  it('computes months before February 2026 by Quy định 342-QĐ/TW', () => {
    const jan = computeCharge('2026-01', basis('student'), 'insured', [], settings);
    const feb = computeCharge('2026-02', basis('student'), 'insured', [], settings);
    expect(jan).toMatchObject({ due: 2_000, rulesId: '2025-10' });
    expect(feb).toMatchObject({ due: 5_000, rulesId: '2026-02' });
    expect(rulesOn('2026-01-01').sources.dues[0]?.number).toBe('Quy định 342-QĐ/TW');
    expect(rulesOn('2026-02-01').sources.dues[0]?.number).toBe('Quy định 01-QĐ/TW');
  });

  it('keeps 1 % for salaried members but changes what the base is', () => {
    expect(due('2026-01', basis('insured', 6_000_000))).toBe(60_000);
    expect(due('2026-02', basis('insured', 6_000_000))).toBe(60_000);
    expect(rulesOn('2026-01-31').dues.insuredBase).toBe('salary');
    expect(rulesOn('2026-02-01').dues.insuredBase).toBe('insuranceBasePreviousMonth');
  });

  it('keeps 0.5 % of the pension on both sides', () => {
    expect(due('2025-12', basis('pensioner', 4_000_000))).toBe(20_000);
    expect(due('2026-02', basis('pensioner', 4_000_000))).toBe(20_000);
  });

  it('computes 2010–2025 months by the old entry', () => {
    expect(computeCharge('2019-05', basis('student'), 'insured', [], settings)).toMatchObject({ due: 2_000, rulesId: '2018' });
  });

  it('keeps the old range for others in the old entry', () => {
    expect(rulesOn('2025-06-01').dues.otherRange).toEqual([2_000, 30_000]);
  });
});

describe('rounding (settings.dues.roundTo)', () => {
  it('rounds half up to a multiple', () => {
    expect(roundAmount(46_852.5, 1)).toBe(46_853);
    expect(roundAmount(46_852, 1000)).toBe(47_000);
    expect(roundAmount(46_499, 1000)).toBe(46_000);
    expect(roundAmount(46_500, 1000)).toBe(47_000);
    expect(roundAmount(1234, 100)).toBe(1200);
    expect(roundAmount(1250, 100)).toBe(1300);
    expect(roundAmount(0, 1000)).toBe(0);
  });

  it('rounds computed dues once, at the end, to the cell setting', () => {
    const s = { ...settings, roundTo: 1000 };
    expect(due('2026-03', basis('insured', 4_685_250), s)).toBe(47_000);
    expect(due('2026-03', basis('insured', 4_649_999), s)).toBe(46_000); // 46,499.99 → not double-rounded to 47,000
    expect(due('2026-03', basis('pensioner', 3_500_000), { ...settings, roundTo: 500 })).toBe(17_500);
    expect(due('2026-03', basis('pensioner', 3_450_000), { ...settings, roundTo: 500 })).toBe(17_500); // 17,250 → 17,500
    expect(due('2026-03', basis('student'), { ...settings, roundTo: 1000 })).toBe(5_000);
  });

  it('rounds a reduced amount after the reduction', () => {
    const r: Relief[] = [{ kind: 'hardship', percent: 30, fromMonth: '2026-01', toMonth: '2026-06' }];
    expect(due('2026-03', basis('insured', 4_685_250), settings, r)).toBe(32_797); // 46,852.5 × 0.7 = 32,796.75
    expect(due('2026-03', basis('insured', 4_685_250), { ...settings, roundTo: 1000 }, r)).toBe(33_000);
    expect(due('2026-03', basis('other'), settings, r)).toBe(7_000);
    expect(due('2026-03', basis('pensioner', 3_500_000), settings, [{ ...r[0] as Relief, percent: 50 }])).toBe(8_750);
    expect(due('2026-03', basis('student'), settings, [{ ...r[0] as Relief, percent: 70 }])).toBe(1_500);
  });
});

describe('bases over time', () => {
  it('takes the latest entry started by the month, keeping history', () => {
    const bases = [basis('insured', 5_000_000, '2026-01'), basis('insured', 6_000_000, '2026-05'), basis('pensioner', 4_000_000, '2026-09')];
    expect(basisOn(bases, '2025-12')).toBeNull();
    expect(basisOn(bases, '2026-04')?.incomeBase).toBe(5_000_000);
    expect(basisOn(bases, '2026-05')?.incomeBase).toBe(6_000_000);
    expect(basisOn(bases, '2026-12')?.category).toBe('pensioner');
    expect(due('2026-04', basisOn(bases, '2026-04'))).toBe(50_000);
    expect(due('2026-10', basisOn(bases, '2026-10'))).toBe(20_000);
  });

  it('lets a later entry for the same month win', () => {
    const bases = [basis('insured', 5_000_000, '2026-05'), basis('insured', 5_500_000, '2026-05')];
    expect(basisOn(bases, '2026-05')?.incomeBase).toBe(5_500_000);
  });
});

describe('exemptions and reductions', () => {
  const exempt = (kind: Relief['kind'], fromMonth = '2026-03', toMonth: string | null = null): Relief => ({ kind, percent: 100, fromMonth, toMonth });

  it('exempts entirely for each ground', () => {
    for (const kind of ['fifty_years', 'social_pension', 'poor_household', 'serious_illness'] as const) {
      const c = computeCharge('2026-04', basis('insured', 5_000_000), 'insured', [exempt(kind)], settings);
      expect(c).toMatchObject({ due: 0, percentOff: 100, reliefKind: kind, gross: 50_000 });
    }
  });

  it('exempts even without an income base', () => {
    expect(computeCharge('2026-04', null, 'insured', [exempt('fifty_years')], settings).due).toBe(0);
  });

  it('applies only within its months', () => {
    const r = [{ kind: 'hardship' as const, percent: 50, fromMonth: '2026-11', toMonth: '2026-12' }];
    expect(due('2026-10', basis('other'), settings, r)).toBe(10_000);
    expect(due('2026-11', basis('other'), settings, r)).toBe(5_000);
    expect(due('2026-12', basis('other'), settings, r)).toBe(5_000);
    expect(due('2027-01', basis('other'), settings, r)).toBe(10_000);
  });

  it('takes the most generous of overlapping reliefs', () => {
    const rs: Relief[] = [
      { kind: 'hardship', percent: 30, fromMonth: '2026-01', toMonth: '2026-12' },
      { kind: 'poor_household', percent: 100, fromMonth: '2026-06', toMonth: null },
    ];
    expect(reliefOn(rs, '2026-03')?.percent).toBe(30);
    expect(reliefOn(rs, '2026-07')?.kind).toBe('poor_household');
    expect(reliefOn(rs, '2025-07')).toBeNull();
  });

  it('checks reliefs against the rules table', () => {
    const rates = rulesOn('2026-11-01').dues;
    expect(checkRelief({ kind: 'hardship', percent: 30, fromMonth: '2026-11', toMonth: '2027-10' }, rates)).toBeNull();
    expect(checkRelief({ kind: 'hardship', percent: 70, fromMonth: '2026-11', toMonth: '2026-11' }, rates)).toBeNull();
    expect(checkRelief({ kind: 'hardship', percent: 100, fromMonth: '2026-11', toMonth: '2027-01' }, rates)).toBeNull();
    expect(checkRelief({ kind: 'hardship', percent: 40, fromMonth: '2026-11', toMonth: '2027-01' }, rates)).toBe('DUES.RELIEF_INVALID');
    expect(checkRelief({ kind: 'hardship', percent: 50, fromMonth: '2026-11', toMonth: '2027-11' }, rates)).toBe('DUES.RELIEF_TOO_LONG');
    expect(checkRelief({ kind: 'hardship', percent: 50, fromMonth: '2026-11', toMonth: null }, rates)).toBe('DUES.RELIEF_TOO_LONG');
    expect(checkRelief({ kind: 'hardship', percent: 50, fromMonth: '2026-11', toMonth: '2026-10' }, rates)).toBe('DUES.MONTH_ORDER');
    expect(checkRelief({ kind: 'fifty_years', percent: 100, fromMonth: '2026-11', toMonth: null }, rates)).toBeNull();
    expect(checkRelief({ kind: 'serious_illness', percent: 50, fromMonth: '2026-11', toMonth: null }, rates)).toBe('DUES.RELIEF_INVALID');
    expect(checkRelief({ kind: 'social_pension', percent: 100, fromMonth: '2026-13', toMonth: null }, rates)).toBe('DUES.MONTH_INVALID');
  });
});

describe('share kept and sent up', () => {
  it('splits collected dues by the cell share', () => {
    expect(splitShare(250_000, 0.3)).toEqual({ kept: 75_000, up: 175_000 });
    expect(splitShare(72_500, 0.3)).toEqual({ kept: 21_750, up: 50_750 });
    expect(splitShare(10_001, 0.5)).toEqual({ kept: 5_001, up: 5_000 });
    expect(splitShare(0, 0.3)).toEqual({ kept: 0, up: 0 });
    expect(splitShare(99_999, 1)).toEqual({ kept: 99_999, up: 0 });
  });
});

describe('when a month may be paid', () => {
  const rates = rulesOn('2026-11-01').dues;
  const spans = [{ from: '2026-11-10', to: '2027-01-31' }];

  it('takes the current month on time from anyone', () => {
    expect(classifyPayment('2026-11', '2026-11', [], rates)).toEqual({ ok: true, timing: 'on_time' });
  });

  it('takes an overdue month as a late payment, each month standing alone', () => {
    expect(classifyPayment('2026-09', '2026-11', [], rates)).toEqual({ ok: true, timing: 'late' });
  });

  it('refuses paying ahead for an ordinary member', () => {
    expect(classifyPayment('2026-12', '2026-11', [], rates)).toEqual({ ok: false, code: 'DUES.ADVANCE_NOT_ALLOWED' });
  });

  it('lets a temporarily exempt member pay ahead for the length of the exemption only', () => {
    expect(classifyPayment('2026-12', '2026-11', spans, rates)).toEqual({ ok: true, timing: 'advance' });
    expect(classifyPayment('2027-01', '2026-11', spans, rates)).toEqual({ ok: true, timing: 'advance' });
    expect(classifyPayment('2027-02', '2026-11', spans, rates)).toEqual({ ok: false, code: 'DUES.ADVANCE_NOT_ALLOWED' });
  });

  it('lets a temporarily exempt member pay months of the exemption afterwards', () => {
    expect(classifyPayment('2026-12', '2027-03', spans, rates)).toEqual({ ok: true, timing: 'deferred' });
    expect(classifyPayment('2026-10', '2027-03', spans, rates)).toEqual({ ok: true, timing: 'late' });
  });

  it('caps advance payment under an open-ended exemption', () => {
    const open = [{ from: '2026-11-01', to: null }];
    expect(classifyPayment('2027-11', '2026-11', open, rates)).toEqual({ ok: true, timing: 'advance' });
    expect(classifyPayment('2027-12', '2026-11', open, rates)).toEqual({ ok: false, code: 'DUES.ADVANCE_NOT_ALLOWED' });
  });

  it('treats months of a running exemption as not yet overdue', () => {
    expect(isDeferred('2026-12', '2027-01-15', spans)).toBe(true);
    expect(isDeferred('2026-12', '2027-02-01', spans)).toBe(false);
    expect(isDeferred('2026-10', '2026-12-01', spans)).toBe(false);
  });
});

describe('what is owed', () => {
  const state = (month: string, dueAmount: number | null, confirmed = 0, pending = false): MonthState => ({ month, due: dueAmount, confirmed, pending });

  it('settles a month only by confirmed amounts', () => {
    expect(settle(50_000, 0)).toBe('unpaid');
    expect(settle(50_000, 20_000)).toBe('partial');
    expect(settle(50_000, 50_000)).toBe('paid');
    expect(settle(50_000, 60_000)).toBe('over');
    expect(settle(0, 0)).toBe('exempt');
    expect(settle(0, 5_000)).toBe('over');
    expect(settle(null, 0)).toBe('unpaid');
    expect(settle(null, 10_000)).toBe('paid');
    expect(remaining({ due: 50_000, confirmed: 20_000 })).toBe(30_000);
    expect(remaining({ due: 50_000, confirmed: 70_000 })).toBe(0);
    expect(remaining({ due: null, confirmed: 0 })).toBeNull();
  });

  it('reminds from the reminder day of the month on', () => {
    expect(reminderDue('2026-11', '2026-11-04', 5)).toBe(false);
    expect(reminderDue('2026-11', '2026-11-05', 5)).toBe(true);
    expect(reminderDue('2026-10', '2026-11-01', 5)).toBe(true);
    expect(reminderDue('2026-12', '2026-11-30', 5)).toBe(false);
  });

  it('lists each owed month on its own, oldest first, skipping paid, exempt, declared and deferred months', () => {
    const states = [state('2026-12', 50_000), state('2026-09', 50_000), state('2026-10', 50_000, 50_000), state('2026-11', 50_000, 20_000), state('2026-08', 0), state('2026-07', 50_000, 0, true)];
    expect(owedMonths(states, '2026-12-10', 5, []).map((s) => s.month)).toEqual(['2026-09', '2026-11', '2026-12']);
    expect(owedMonths(states, '2026-12-03', 5, []).map((s) => s.month)).toEqual(['2026-09', '2026-11']);
    expect(owedMonths(states, '2026-12-10', 5, [{ from: '2026-09-01', to: '2026-12-31' }]).map((s) => s.month)).toEqual([]);
  });
});

describe('the three-month rule', () => {
  const state = (month: string, dueAmount: number | null, confirmed = 0): MonthState => ({ month, due: dueAmount, confirmed, pending: false });
  const removal = rulesOn('2026-11-01').removal;

  it('counts distinct ended months of the year with nothing confirmed, not necessarily consecutive', () => {
    const states = [state('2027-01', 50_000), state('2027-02', 50_000, 50_000), state('2027-03', 50_000), state('2027-04', 50_000, 10_000), state('2027-05', 50_000), state('2027-06', 50_000)];
    expect(unpaidMonthsInYear(states, 2027, '2027-06-10', [])).toEqual(['2027-01', '2027-03', '2027-05']);
    expect(unpaidMonthsInYear(states, 2027, '2027-05-31', [])).toEqual(['2027-01', '2027-03']);
  });

  it('counts per calendar year', () => {
    const states = [state('2026-11', 50_000), state('2026-12', 50_000), state('2027-01', 50_000)];
    expect(unpaidMonthsInYear(states, 2026, '2027-02-05', [])).toEqual(['2026-11', '2026-12']);
    expect(unpaidMonthsInYear(states, 2027, '2027-02-05', [])).toEqual(['2027-01']);
  });

  it('leaves out exempt months, running deferrals, and the month still open', () => {
    const states = [state('2027-01', 0), state('2027-02', 50_000), state('2027-03', 50_000), state('2027-04', 50_000)];
    expect(unpaidMonthsInYear(states, 2027, '2027-04-20', [{ from: '2027-03-01', to: '2027-05-31' }])).toEqual(['2027-02']);
    expect(unpaidMonthsInYear(states, 2027, '2027-06-01', [{ from: '2027-03-01', to: '2027-05-31' }])).toEqual(['2027-02', '2027-03', '2027-04']);
    expect(unpaidMonthsInYear([state('2027-01', null)], 2027, '2027-02-01', [])).toEqual(['2027-01']);
  });

  it('warns the secretary at 2 and flags at 3', () => {
    expect(ruleLevel(0, removal)).toBe('none');
    expect(ruleLevel(1, removal)).toBe('none');
    expect(ruleLevel(2, removal)).toBe('warn');
    expect(ruleLevel(3, removal)).toBe('flag');
    expect(ruleLevel(7, removal)).toBe('flag');
  });
});

describe('nudge windows', () => {
  it('opens a window every few days from the reminder day', () => {
    expect(nudgeWindow('2026-11-05', 5, 7)).toEqual({ cycle: '2026-11', index: 0, start: '2026-11-05' });
    expect(nudgeWindow('2026-11-11', 5, 7)).toEqual({ cycle: '2026-11', index: 0, start: '2026-11-05' });
    expect(nudgeWindow('2026-11-12', 5, 7)).toEqual({ cycle: '2026-11', index: 1, start: '2026-11-12' });
    expect(nudgeWindow('2026-11-30', 5, 7)).toEqual({ cycle: '2026-11', index: 3, start: '2026-11-26' });
  });

  it('belongs to the previous month before the reminder day', () => {
    expect(nudgeWindow('2026-12-04', 5, 7)).toEqual({ cycle: '2026-11', index: 4, start: '2026-12-03' });
    expect(nudgeWindow('2027-01-02', 5, 7)).toEqual({ cycle: '2026-12', index: 4, start: '2027-01-02' });
  });

  it('follows the cell setting', () => {
    expect(nudgeWindow('2026-11-15', 1, 3)).toEqual({ cycle: '2026-11', index: 4, start: '2026-11-13' });
    expect(nudgeWindow('2026-03-01', 28, 7)).toEqual({ cycle: '2026-02', index: 0, start: '2026-02-28' });
  });
});

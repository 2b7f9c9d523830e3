import { describe, expect, it } from 'vitest';
import { addMonths, checkMonth, checkNote, criteria, isCheckResult, isCriterion, marksInOrder, monthPeriod, nextUnmarked, parseCheckMonth, percent, ratio, summarise, type CriterionMark } from './monthlyCheck.js';

describe('criteria', () => {
  it('are the four of the plan, numbered 1–4', () => {
    expect(criteria).toEqual([1, 2, 3, 4]);
    expect([0, 1, 4, 5, 2.5, '1', null].map(isCriterion)).toEqual([false, true, true, false, false, false, false]);
    expect(['met', 'notMet', 'Đạt', ''].map(isCheckResult)).toEqual([true, true, false, false]);
  });
});

describe('months', () => {
  it('spans a month, leap years included', () => {
    expect(monthPeriod('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthPeriod('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthPeriod('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthPeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('adds months across years', () => {
    expect(addMonths('2026-11', 1)).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-03', -24)).toBe('2024-03');
    expect(addMonths('2026-03', 0)).toBe('2026-03');
  });

  it.each([
    ['11/2026', '2026-11'],
    ['9/2026', '2026-09'],
    ['09-26', '2026-09'],
    ['2026-9', '2026-09'],
    ['tháng 10', '2026-10'],
    ['Tháng 10/2025', '2025-10'],
    ['11', '2026-11'],
    ['12', '2025-12'], // typed in November: this year's December has not come, so last year's
    ['13/2026', null],
    ['0', null],
    ['mười', null],
  ])('reads %s as %s (today 24/11/2026)', (typed, want) => {
    expect(parseCheckMonth(typed, '2026-11-24')).toBe(want);
  });

  it('reads a bare month in January as last year for later months', () => {
    expect(parseCheckMonth('12', '2027-01-05')).toBe('2026-12');
    expect(parseCheckMonth('1', '2027-01-05')).toBe('2027-01');
  });

  it('assesses this month and up to 24 months back, never the future', () => {
    expect(checkMonth('2026-11', '2026-11-24')).toBeNull();
    expect(checkMonth('2024-11', '2026-11-24')).toBeNull();
    expect(checkMonth('2024-10', '2026-11-24')).toBe('MONTHLY_CHECK.MONTH_INVALID');
    expect(checkMonth('2026-12', '2026-11-24')).toBe('MONTHLY_CHECK.MONTH_INVALID');
    expect(checkMonth('2026-13', '2026-11-24')).toBe('MONTHLY_CHECK.MONTH_INVALID');
    expect(checkMonth('2026-1', '2026-11-24')).toBe('MONTHLY_CHECK.MONTH_INVALID');
  });
});

describe('notes', () => {
  it('keeps, clears with "-", refuses empty, too long and ID numbers', () => {
    expect(checkNote('  Chưa họp chuyên đề quý IV ')).toEqual({ ok: true, value: 'Chưa họp chuyên đề quý IV' });
    expect(checkNote('-')).toEqual({ ok: true, value: null });
    expect(checkNote('   ')).toEqual({ ok: false, code: 'MONTHLY_CHECK.NOTE_INVALID' });
    expect(checkNote('x'.repeat(500)).ok).toBe(true);
    expect(checkNote('x'.repeat(501))).toEqual({ ok: false, code: 'MONTHLY_CHECK.NOTE_INVALID' });
    expect(checkNote('số 079123456789')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
  });
});

describe('marks', () => {
  const m = (criterion: 1 | 2 | 3 | 4, result: CriterionMark['result'], note: string | null = null): CriterionMark => ({ criterion, result, note });

  it('lists every criterion in order, unmarked where nothing is stored', () => {
    expect(marksInOrder([m(3, 'met'), m(1, 'notMet', 'x')])).toEqual([m(1, 'notMet', 'x'), m(2, null), m(3, 'met'), m(4, null)]);
  });

  it('summarises', () => {
    expect(summarise([])).toEqual({ met: 0, notMet: 0, unmarked: 4, complete: false });
    expect(summarise([m(1, 'met'), m(2, 'notMet'), m(3, null, 'note only')])).toEqual({ met: 1, notMet: 1, unmarked: 2, complete: false });
    expect(summarise([m(1, 'met'), m(2, 'met'), m(3, 'met'), m(4, 'notMet')])).toEqual({ met: 3, notMet: 1, unmarked: 0, complete: true });
  });

  it('walks to the next unmarked criterion, wrapping round', () => {
    expect(nextUnmarked([])).toBe(1);
    expect(nextUnmarked([], 1)).toBe(2);
    expect(nextUnmarked([m(1, 'met')], 1)).toBe(2);
    expect(nextUnmarked([m(1, 'met'), m(2, 'met'), m(4, 'met')], 2)).toBe(3);
    expect(nextUnmarked([m(2, 'met'), m(3, 'met'), m(4, 'met')], 4)).toBe(1);
    expect(nextUnmarked([m(1, 'met'), m(2, 'met'), m(3, 'notMet'), m(4, 'met')], 3)).toBeNull();
  });
});

describe('indicator values', () => {
  it('show ratios and shares the same in every language', () => {
    expect(ratio(3, 4)).toBe('3/4 (75 %)');
    expect(ratio(2, 3)).toBe('2/3 (67 %)');
    expect(ratio(0, 0)).toBe('0/0');
    expect(percent(1)).toBe('100 %');
  });
});

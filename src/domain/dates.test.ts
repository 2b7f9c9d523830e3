import { describe, expect, it } from 'vitest';
import { daysInMonth, formatIsoDate, isValidDate, parseTypedDate } from './dates.js';

const today = '2026-05-20';

describe('parseTypedDate', () => {
  it.each([
    ['28/11/2026', '2026-11-28'],
    ['28-11-2026', '2026-11-28'],
    ['28.11.2026', '2026-11-28'],
    ['1/2/2026', '2026-02-01'],
    ['01/02/2026', '2026-02-01'],
    ['  28/11/2026  ', '2026-11-28'],
    ['28/11', '2026-11-28'],
    ['1.1', '2026-01-01'],
    ['28-11-26', '2026-11-28'],
    ['5/6/30', '2030-06-05'],
    ['31/12/00', '2000-12-31'],
    ['01/01/1930', '1930-01-01'],
    ['31/12/2100', '2100-12-31'],
  ])('%j → %s', (input, want) => {
    expect(parseTypedDate(input, today)).toBe(want);
  });

  it('takes the year from today when omitted', () => {
    expect(parseTypedDate('3/4', '2031-12-31')).toBe('2031-04-03');
    expect(parseTypedDate('29/2', '2028-01-01')).toBe('2028-02-29');
    expect(parseTypedDate('29/2', '2027-01-01')).toBeNull();
  });

  it.each([
    ['29/02/2028', '2028-02-29'],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2000', '2000-02-29'],
    ['29/02/28', '2028-02-29'],
    ['28/02/2027', '2027-02-28'],
  ])('leap day %j → %s', (input, want) => {
    expect(parseTypedDate(input, today)).toBe(want);
  });

  it.each(['29/02/2027', '29/02/2026', '29/02/2100', '30/02/2028', '29/02/27'])('rejects %j (not a leap day)', (input) => {
    expect(parseTypedDate(input, today)).toBeNull();
  });

  it('knows every month end', () => {
    const ends = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    ends.forEach((last, i) => {
      const m = String(i + 1).padStart(2, '0');
      expect(parseTypedDate(`${last}/${m}/2027`, today)).toBe(`2027-${m}-${last}`);
      expect(parseTypedDate(`${last + 1}/${m}/2027`, today)).toBeNull();
    });
  });

  it.each([
    '',
    '   ',
    'abc',
    'hôm nay',
    '28',
    '28/',
    '28//11',
    '/11/2026',
    '28/11/',
    '28/11/2026x',
    'x28/11/2026',
    '28 11 2026',
    '28/11/202',
    '28/11/20266',
    '128/11/2026',
    '28/111/2026',
    '2026-11-28',
    '0/11/2026',
    '28/0/2026',
    '28/13/2026',
    '32/01/2026',
    '-1/11/2026',
    '28/11/1929',
    '28/11/2101',
    '１/２/2026',
    '28/11/2026 14:00',
  ])('rejects %j', (input) => {
    expect(parseTypedDate(input, today)).toBeNull();
  });
});

describe('isValidDate and daysInMonth', () => {
  it('follows the Gregorian leap rules', () => {
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2026, 13)).toBe(0);
    expect(daysInMonth(2026, 0)).toBe(0);
  });

  it('bounds the year to 1930–2100', () => {
    expect(isValidDate(1930, 1, 1)).toBe(true);
    expect(isValidDate(1929, 12, 31)).toBe(false);
    expect(isValidDate(2100, 12, 31)).toBe(true);
    expect(isValidDate(2101, 1, 1)).toBe(false);
  });
});

describe('formatIsoDate', () => {
  it.each([
    ['2026-11-28', '28/11/2026'],
    ['2028-02-29', '29/02/2028'],
    ['2026-01-05', '05/01/2026'],
  ])('%s → %s', (iso, want) => {
    expect(formatIsoDate(iso)).toBe(want);
  });

  it('round-trips with parseTypedDate', () => {
    for (const iso of ['2026-11-28', '2028-02-29', '1999-12-31', '2000-01-01']) expect(parseTypedDate(formatIsoDate(iso), today)).toBe(iso);
  });
});

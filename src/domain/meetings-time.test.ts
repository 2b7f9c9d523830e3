import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysLeftInQuarter,
  isQuiet,
  lastAwakeBefore,
  localIso,
  localParts,
  nextAwake,
  parseDuration,
  parseTime,
  parseWhen,
  quarterBounds,
  quarterOf,
  shiftOutOfQuiet,
  weekdayOf,
  zonedInstant,
} from './meetings-time.js';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const quiet = { from: '21:00', to: '07:00' };
/** Thursday 2026-11-26 10:00 in Hà Nội. */
const NOW = zonedInstant('2026-11-26', '10:00', HCM);

describe('zoned instants', () => {
  it('reads wall-clock time in the zone', () => {
    expect(new Date(zonedInstant('2026-11-26', '14:00', HCM)).toISOString()).toBe('2026-11-26T07:00:00.000Z');
    expect(localParts(Date.UTC(2026, 10, 26, 17, 30), HCM)).toMatchObject({ year: 2026, month: 11, day: 27, minutes: 30, weekday: 5 });
    expect(localIso(Date.UTC(2026, 11, 31, 17, 0), HCM)).toBe('2027-01-01');
  });

  it('handles daylight saving time in zones that have it', () => {
    // Berlin: 29 March 2026 02:00 → 03:00; 25 October 03:00 → 02:00.
    expect(new Date(zonedInstant('2026-03-28', '14:00', BERLIN)).toISOString()).toBe('2026-03-28T13:00:00.000Z');
    expect(new Date(zonedInstant('2026-03-30', '14:00', BERLIN)).toISOString()).toBe('2026-03-30T12:00:00.000Z');
    expect(new Date(zonedInstant('2026-10-26', '14:00', BERLIN)).toISOString()).toBe('2026-10-26T13:00:00.000Z');
  });

  it('adds days across month and year ends, and knows weekdays', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
    expect(weekdayOf({ year: 2026, month: 11, day: 26 })).toBe(4);
  });
});

describe('quiet hours', () => {
  const at = (date: string, time: string, tz = HCM) => zonedInstant(date, time, tz);

  it.each([
    ['20:59', false],
    ['21:00', true],
    ['23:30', true],
    ['00:00', true],
    ['06:59', true],
    ['07:00', false],
    ['12:00', false],
  ])('overnight 21:00–07:00 at %s → quiet %s', (time, want) => {
    expect(isQuiet(at('2026-11-26', time), HCM, quiet)).toBe(want);
  });

  it('handles a daytime quiet period and none at all', () => {
    const day = { from: '12:00', to: '13:30' };
    expect(isQuiet(at('2026-11-26', '12:00'), HCM, day)).toBe(true);
    expect(isQuiet(at('2026-11-26', '13:29'), HCM, day)).toBe(true);
    expect(isQuiet(at('2026-11-26', '13:30'), HCM, day)).toBe(false);
    expect(isQuiet(at('2026-11-26', '03:00'), HCM, { from: '00:00', to: '00:00' })).toBe(false);
  });

  it('finds the end of a quiet period, on the same night or the next morning', () => {
    expect(nextAwake(at('2026-11-26', '23:00'), HCM, quiet)).toBe(at('2026-11-27', '07:00'));
    expect(nextAwake(at('2026-11-27', '03:00'), HCM, quiet)).toBe(at('2026-11-27', '07:00'));
    expect(nextAwake(at('2026-11-27', '09:00'), HCM, quiet)).toBe(at('2026-11-27', '09:00'));
    // Month and year ends.
    expect(nextAwake(at('2026-11-30', '22:00'), HCM, quiet)).toBe(at('2026-12-01', '07:00'));
    expect(nextAwake(at('2026-12-31', '22:00'), HCM, quiet)).toBe(at('2027-01-01', '07:00'));
  });

  it('finds the last minute before a quiet period began', () => {
    expect(lastAwakeBefore(at('2026-11-27', '03:00'), HCM, quiet)).toBe(at('2026-11-26', '20:59'));
    expect(lastAwakeBefore(at('2026-11-26', '22:00'), HCM, quiet)).toBe(at('2026-11-26', '20:59'));
    expect(lastAwakeBefore(at('2027-01-01', '05:00'), HCM, quiet)).toBe(at('2026-12-31', '20:59'));
  });

  it('shifts a send out of quiet hours, later when that is before the deadline, else earlier; never drops it', () => {
    const start = at('2026-11-27', '14:00');
    expect(shiftOutOfQuiet(at('2026-11-26', '23:00'), start, HCM, quiet)).toBe(at('2026-11-27', '07:00'));
    expect(shiftOutOfQuiet(at('2026-11-26', '15:00'), start, HCM, quiet)).toBe(at('2026-11-26', '15:00'));
    // A meeting at 07:30: its 2-hour reminder (05:30) moves to 07:00, still before the start.
    expect(shiftOutOfQuiet(at('2026-11-27', '05:30'), at('2026-11-27', '07:30'), HCM, quiet)).toBe(at('2026-11-27', '07:00'));
    // A meeting at 06:30: 07:00 would be after it, so the evening before.
    expect(shiftOutOfQuiet(at('2026-11-27', '04:30'), at('2026-11-27', '06:30'), HCM, quiet)).toBe(at('2026-11-26', '20:59'));
  });

  it('keeps working across a DST change', () => {
    // Berlin, night of 28→29 March 2026 (clocks go forward at 02:00).
    expect(nextAwake(at('2026-03-28', '23:00', BERLIN), BERLIN, quiet)).toBe(at('2026-03-29', '07:00', BERLIN));
    expect(nextAwake(at('2026-03-29', '07:00', BERLIN) - 3_600_000, BERLIN, quiet)).toBe(at('2026-03-29', '07:00', BERLIN));
  });
});

describe('parseTime', () => {
  it.each([
    ['19:30', '19:30'],
    ['19h30', '19:30'],
    ['19h', '19:00'],
    ['7h', '07:00'],
    ['7 giờ 30', '07:30'],
    ['19.30', '19:30'],
    ['19', '19:00'],
    ['08:05', '08:05'],
    ['24:00', null],
    ['19:60', null],
    ['tối nay', null],
    ['', null],
  ])('%s → %s', (typed, want) => {
    expect(parseTime(typed)).toBe(want);
  });
});

describe('parseWhen', () => {
  it.each([
    ['28/11', { date: '2026-11-28', time: null }],
    ['28/11 19:30', { date: '2026-11-28', time: '19:30' }],
    ['28-11 19h30', { date: '2026-11-28', time: '19:30' }],
    ['19:30 28/11', { date: '2026-11-28', time: '19:30' }],
    ['28/11/2026 19:30', { date: '2026-11-28', time: '19:30' }],
    ['5/1/27', { date: '2027-01-05', time: null }],
    ['ngày 28/11 lúc 19:30', { date: '2026-11-28', time: '19:30' }],
    ['thứ Năm 19:30', { date: '2026-11-26', time: '19:30' }],
    ['Thứ năm', { date: '2026-11-26', time: null }],
    ['thứ Năm 08:00', { date: '2026-12-03', time: '08:00' }],
    ['thứ Năm tới 19:30', { date: '2026-12-03', time: '19:30' }],
    ['T6 14h', { date: '2026-11-27', time: '14:00' }],
    ['thu 6', { date: '2026-11-27', time: null }],
    ['chủ nhật 8h', { date: '2026-11-29', time: '08:00' }],
    ['CN', { date: '2026-11-29', time: null }],
    ['mai 8h', { date: '2026-11-27', time: '08:00' }],
    ['ngày mai', { date: '2026-11-27', time: null }],
    ['hôm nay 14:00', { date: '2026-11-26', time: '14:00' }],
    ['19:30', { date: null, time: '19:30' }],
  ])('%s → %j (on Thursday 26/11/2026 10:00)', (typed, want) => {
    expect(parseWhen(typed, NOW, HCM)).toEqual(want);
  });

  it('takes a date without a year as the next one to come, across the year end', () => {
    const dec = zonedInstant('2026-12-20', '10:00', HCM);
    expect(parseWhen('05/01', dec, HCM)).toEqual({ date: '2027-01-05', time: null });
    expect(parseWhen('25/12', dec, HCM)).toEqual({ date: '2026-12-25', time: null });
    // Today with a time already past → next year; without a time, today still counts.
    expect(parseWhen('20/12 08:00', dec, HCM)).toEqual({ date: '2027-12-20', time: '08:00' });
    expect(parseWhen('20/12', dec, HCM)).toEqual({ date: '2026-12-20', time: null });
  });

  it('refuses impossible dates and noise', () => {
    for (const bad of ['31/11', '30/02', '29/02/2027', 'abc', 'thứ Tám', '28/11 25:00', '', '12345']) expect(parseWhen(bad, NOW, HCM), bad).toBeNull();
    expect(parseWhen('29/02/2028', NOW, HCM)).toEqual({ date: '2028-02-29', time: null });
  });

  it('reads weekdays in the cell zone, not UTC', () => {
    // 23:30 on Wednesday in Hà Nội is 16:30 UTC Wednesday; "thứ Năm" is tomorrow.
    const wedNight = zonedInstant('2026-11-25', '23:30', HCM);
    expect(parseWhen('thứ Năm', wedNight, HCM)).toEqual({ date: '2026-11-26', time: null });
    // 06:00 on Thursday in Hà Nội is still Wednesday in UTC.
    const thuMorning = zonedInstant('2026-11-26', '06:00', HCM);
    expect(parseWhen('thứ Năm 19:30', thuMorning, HCM)).toEqual({ date: '2026-11-26', time: '19:30' });
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90 phút', 90],
    ['2 giờ', 120],
    ['2h', 120],
    ['1h30', 90],
    ['1 giờ 30', 90],
    ["120'", 120],
    ['10', null],
    ['700', null],
    ['lâu', null],
  ])('%s → %s', (typed, want) => {
    expect(parseDuration(typed)).toBe(want);
  });
});

describe('quarters', () => {
  it('knows quarters and their last days, including leap years', () => {
    expect(quarterOf('2026-01-01')).toBe(1);
    expect(quarterOf('2026-03-31')).toBe(1);
    expect(quarterOf('2026-04-01')).toBe(2);
    expect(quarterOf('2026-12-31')).toBe(4);
    expect(quarterBounds('2028-02-10')).toEqual({ first: '2028-01-01', last: '2028-03-31' });
    expect(quarterBounds('2026-11-26')).toEqual({ first: '2026-10-01', last: '2026-12-31' });
    expect(daysLeftInQuarter('2026-12-31')).toBe(0);
    expect(daysLeftInQuarter('2026-12-01')).toBe(30);
    expect(daysLeftInQuarter('2026-06-01')).toBe(29);
  });
});

describe('weekday words that end like "next"', () => {
  it('reads "thứ Sáu" as Friday and "thứ Sáu tới" as the Friday after', async () => {
    const { parseWhen } = await import('./meetings-time.js');
    // Tuesday 24/11/2026, 09:00 in Hà Nội.
    const now = Date.UTC(2026, 10, 24, 2, 0);
    const friday = parseWhen('thứ Sáu 19:30', now, 'Asia/Ho_Chi_Minh');
    const fridayNext = parseWhen('thứ Sáu tới 19:30', now, 'Asia/Ho_Chi_Minh');
    expect(JSON.stringify(friday)).toContain('2026-11-27');
    expect(JSON.stringify(fridayNext)).toContain('2026-11-27');
  });
});

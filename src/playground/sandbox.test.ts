import { describe, expect, it } from 'vitest';
import { sameTimeNextMonth, workingHour } from './sandbox.js';

const HCM = 'Asia/Ho_Chi_Minh';
/** An instant given as Hà Nội wall-clock time (UTC+7, no daylight saving). */
const hcm = (y: number, mo: number, d: number, h: number, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h - 7, mi, s);

describe('a fresh playground starts in office hours', () => {
  it('keeps the real time between 08:00 and 18:00', () => {
    expect(workingHour(hcm(2026, 11, 26, 8, 0), HCM)).toBe(hcm(2026, 11, 26, 8, 0));
    expect(workingHour(hcm(2026, 11, 26, 14, 25, 13), HCM)).toBe(hcm(2026, 11, 26, 14, 25, 13));
    expect(workingHour(hcm(2026, 11, 26, 17, 59), HCM)).toBe(hcm(2026, 11, 26, 17, 59));
  });

  it('moves an early morning to 08:00 the same day, an evening to 08:00 the next day', () => {
    expect(workingHour(hcm(2026, 11, 26, 4, 55), HCM)).toBe(hcm(2026, 11, 26, 8, 0));
    expect(workingHour(hcm(2026, 11, 26, 18, 0), HCM)).toBe(hcm(2026, 11, 27, 8, 0));
    expect(workingHour(hcm(2026, 12, 31, 23, 30), HCM)).toBe(hcm(2027, 1, 1, 8, 0));
  });

  it('keeps the real time when the zone is not a zone', () => {
    expect(workingHour(1_000, 'Mars/Olympus')).toBe(1_000);
  });
});

describe('"to next month" lands on the same day and time', () => {
  it('moves the calendar month, keeping the wall-clock time and the seconds', () => {
    expect(sameTimeNextMonth(hcm(2026, 11, 26, 9, 30, 12), HCM)).toBe(hcm(2026, 12, 26, 9, 30, 12));
    expect(sameTimeNextMonth(hcm(2026, 12, 5, 14, 0), HCM)).toBe(hcm(2027, 1, 5, 14, 0));
  });

  it('takes the last day of a shorter month', () => {
    expect(sameTimeNextMonth(hcm(2027, 1, 31, 8, 0), HCM)).toBe(hcm(2027, 2, 28, 8, 0));
    expect(sameTimeNextMonth(hcm(2028, 1, 31, 8, 0), HCM)).toBe(hcm(2028, 2, 29, 8, 0));
    expect(sameTimeNextMonth(hcm(2026, 10, 31, 8, 0), HCM)).toBe(hcm(2026, 11, 30, 8, 0));
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    const march = Date.UTC(2026, 2, 10, 14, 0); // 10:00 in New York (EDT starts 8 March)
    expect(sameTimeNextMonth(Date.UTC(2026, 1, 10, 15, 0), 'America/New_York')).toBe(march);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney, isoDateIn } from './format.js';

const HCM = 'Asia/Ho_Chi_Minh';

describe('formatDateTime', () => {
  it('shows 14:00 in Ho Chi Minh City for 07:00 UTC', () => {
    expect(formatDateTime(Date.UTC(2026, 10, 26, 7, 0), HCM, 'vi')).toBe('Thứ Năm, 26/11/2026, 14:00');
    expect(formatDateTime(Date.UTC(2026, 10, 26, 7, 0), HCM, 'en')).toBe('Thursday, 26/11/2026, 14:00');
  });

  it('names every weekday', () => {
    const vi = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];
    const en = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
    // 2026-11-23 is a Monday.
    for (let i = 0; i < 7; i++) {
      const ms = Date.UTC(2026, 10, 23 + i, 2, 30);
      const day = String(23 + i).padStart(2, '0');
      expect(formatDateTime(ms, HCM, 'vi')).toBe(`${vi[i]}, ${day}/11/2026, 09:30`);
      expect(formatDateTime(ms, HCM, 'en')).toBe(`${en[i]}, ${day}/11/2026, 09:30`);
    }
  });

  it('rolls over to the next day after 17:00 UTC', () => {
    expect(formatDateTime(Date.UTC(2026, 10, 26, 16, 59), HCM, 'vi')).toBe('Thứ Năm, 26/11/2026, 23:59');
    expect(formatDateTime(Date.UTC(2026, 10, 26, 17, 0), HCM, 'vi')).toBe('Thứ Sáu, 27/11/2026, 00:00');
    expect(formatDateTime(Date.UTC(2026, 11, 31, 17, 30), HCM, 'vi')).toBe('Thứ Sáu, 01/01/2027, 00:30');
  });

  it('uses the given time zone, with daylight saving', () => {
    const ms = Date.UTC(2026, 10, 26, 7, 0);
    expect(formatDateTime(ms, 'UTC', 'vi')).toBe('Thứ Năm, 26/11/2026, 07:00');
    expect(formatDateTime(ms, 'Europe/Berlin', 'vi')).toBe('Thứ Năm, 26/11/2026, 08:00');
    expect(formatDateTime(ms, 'America/New_York', 'en')).toBe('Thursday, 26/11/2026, 02:00');
    expect(formatDateTime(ms, 'Pacific/Kiritimati', 'vi')).toBe('Thứ Năm, 26/11/2026, 21:00');
    expect(formatDateTime(Date.UTC(2026, 6, 1, 7, 0), 'Europe/Berlin', 'vi')).toBe('Thứ Tư, 01/07/2026, 09:00');
    expect(formatDateTime(ms, 'America/Los_Angeles', 'vi')).toBe('Thứ Tư, 25/11/2026, 23:00');
  });
});

describe('formatDate', () => {
  it('gives the local calendar date', () => {
    expect(formatDate(Date.UTC(2026, 10, 26, 7, 0), HCM)).toBe('26/11/2026');
    expect(formatDate(Date.UTC(2026, 10, 26, 17, 0), HCM)).toBe('27/11/2026');
    expect(formatDate(Date.UTC(2026, 10, 26, 17, 0), 'UTC')).toBe('26/11/2026');
  });
});

describe('isoDateIn', () => {
  it('changes date at local midnight in Ho Chi Minh City (UTC+7)', () => {
    expect(isoDateIn(Date.UTC(2026, 0, 1, 16, 59, 59, 999), HCM)).toBe('2026-01-01');
    expect(isoDateIn(Date.UTC(2026, 0, 1, 17, 0, 0, 0), HCM)).toBe('2026-01-02');
    expect(isoDateIn(Date.UTC(2025, 11, 31, 17, 0, 0, 0), HCM)).toBe('2026-01-01');
    expect(isoDateIn(Date.UTC(2025, 11, 31, 16, 59, 59, 999), HCM)).toBe('2025-12-31');
  });

  it('gives different dates for the same instant in different zones', () => {
    const ms = Date.UTC(2026, 0, 1, 20, 0);
    expect(isoDateIn(ms, 'UTC')).toBe('2026-01-01');
    expect(isoDateIn(ms, HCM)).toBe('2026-01-02');
    expect(isoDateIn(ms, 'America/Los_Angeles')).toBe('2026-01-01');
    const early = Date.UTC(2026, 0, 1, 3, 0);
    expect(isoDateIn(early, 'UTC')).toBe('2026-01-01');
    expect(isoDateIn(early, 'America/Los_Angeles')).toBe('2025-12-31');
    expect(isoDateIn(early, HCM)).toBe('2026-01-01');
  });

  it('changes date at local midnight west of UTC', () => {
    expect(isoDateIn(Date.UTC(2026, 0, 2, 7, 59, 59, 999), 'America/Los_Angeles')).toBe('2026-01-01');
    expect(isoDateIn(Date.UTC(2026, 0, 2, 8, 0), 'America/Los_Angeles')).toBe('2026-01-02');
  });

  it('handles a leap day', () => {
    expect(isoDateIn(Date.UTC(2028, 1, 28, 17, 0), HCM)).toBe('2028-02-29');
    expect(isoDateIn(Date.UTC(2028, 1, 29, 17, 0), HCM)).toBe('2028-03-01');
  });
});

describe('formatMoney', () => {
  it('formats 120000 as "120.000 đ" with a full stop as the thousands separator', () => {
    const s = formatMoney(120000);
    expect(s).toBe('120.000 đ');
    expect(s.charAt(3)).toBe('.');
    expect(s.charCodeAt(3)).toBe(0x2e);
    expect(s.charAt(7)).toBe(' ');
    expect(s.at(-1)).toBe('đ');
  });

  it.each([
    [0, '0 đ'],
    [500, '500 đ'],
    [2000, '2.000 đ'],
    [5000, '5.000 đ'],
    [1234567, '1.234.567 đ'],
    [1000000000, '1.000.000.000 đ'],
    [999.4, '999 đ'],
    [999.5, '1.000 đ'],
    [-5000, '-5.000 đ'],
  ])('%d → %j', (amount, want) => {
    expect(formatMoney(amount).replace(/\u2212/g, '-')).toBe(want);
  });

  it('uses no other separator characters', () => {
    expect(formatMoney(9876543)).toMatch(/^[\d.]+ đ$/);
  });
});

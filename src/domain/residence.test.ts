import { describe, expect, it } from 'vitest';
import type { MemberFacts } from './members.js';
import { checkCommentYear, countComments, expectedForResidence, isResidenceExemptReason, residenceExemptReasons, residenceReminderDue } from './residence.js';

const HCM = 'Asia/Ho_Chi_Minh';
const quiet = { from: '21:00', to: '07:00' };
const season = { start: '11-01', end: '12-31' };
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe('who hands in a residence comment', () => {
  const base: MemberFacts = { status: 'active', role: 'member', membership: 'full', attachment: 'regular', exemptions: [] };
  it('is every working member expected at the cell, unless exempt', () => {
    expect(expectedForResidence(base, false, '2026-10-02')).toBe(true);
    expect(expectedForResidence({ ...base, membership: 'probationary', role: 'secretary' }, false, '2026-10-02')).toBe(true);
    expect(expectedForResidence(base, true, '2026-10-02')).toBe(false);
    expect(expectedForResidence({ ...base, status: 'left' }, false, '2026-10-02')).toBe(false);
    expect(expectedForResidence({ ...base, attachment: 'temporary' }, false, '2026-10-02')).toBe(false);
    expect(expectedForResidence({ ...base, exemptions: [{ kind: 'temporary', from: '2026-09-01', to: '2026-12-31' }] }, false, '2026-10-02')).toBe(false);
    expect(expectedForResidence({ ...base, exemptions: [{ kind: 'temporary', from: '2026-09-01', to: '2026-09-30' }] }, false, '2026-10-02')).toBe(true);
  });

  it('knows the exemption reasons', () => {
    expect(residenceExemptReasons).toEqual(['soldier', 'police', 'student', 'other']);
    expect(['soldier', 'police', 'student', 'other', 'retired', ''].map(isResidenceExemptReason)).toEqual([true, true, true, true, false, false]);
  });

  it('records for this year or last year only', () => {
    expect(checkCommentYear(2026, '2026-11-24')).toBeNull();
    expect(checkCommentYear(2025, '2026-01-10')).toBeNull();
    expect(checkCommentYear(2024, '2026-01-10')).toBe('RESIDENCE.YEAR_INVALID');
    expect(checkCommentYear(2027, '2026-12-31')).toBe('RESIDENCE.YEAR_INVALID');
    expect(checkCommentYear(2026.5, '2026-12-31')).toBe('RESIDENCE.YEAR_INVALID');
  });

  it('counts comments of expected members only', () => {
    expect(countComments([1, 2, 3], [1, 3, 9], 2)).toEqual({ expected: 3, received: 2, missing: 1, exempt: 2 });
    expect(countComments([], [], 0)).toEqual({ expected: 0, received: 0, missing: 0, exempt: 0 });
  });
});

describe('the reminder before the review season', () => {
  it('starts 30 days before the season at the hour, in the cell zone', () => {
    expect(residenceReminderDue(utc('2026-10-02T00:59:00'), HCM, season, 30, 8, quiet)).toBeNull(); // 07:59 on 2 October
    expect(residenceReminderDue(utc('2026-10-02T01:00:00'), HCM, season, 30, 8, quiet)).toBe(2026);
    expect(residenceReminderDue(utc('2026-10-01T05:00:00'), HCM, season, 30, 8, quiet)).toBeNull();
  });

  it('stays due through the season (a bot that was down catches up), then stops', () => {
    expect(residenceReminderDue(utc('2026-12-31T10:00:00'), HCM, season, 30, 8, quiet)).toBe(2026);
    expect(residenceReminderDue(utc('2026-12-31T17:00:00'), HCM, season, 30, 8, quiet)).toBeNull(); // 1 January local
  });

  it('waits out quiet hours and can be turned off', () => {
    expect(residenceReminderDue(utc('2026-10-05T15:00:00'), HCM, season, 30, 8, quiet)).toBeNull();
    expect(residenceReminderDue(utc('2026-10-05T03:00:00'), HCM, season, 0, 8, quiet)).toBeNull();
  });

  it('counts the lead across months and handles a season over the new year', () => {
    expect(residenceReminderDue(utc('2026-11-15T03:00:00'), HCM, { start: '12-15', end: '01-31' }, 30, 8, quiet)).toBe(2026);
    expect(residenceReminderDue(utc('2027-01-20T03:00:00'), HCM, { start: '12-15', end: '01-31' }, 30, 8, quiet)).toBe(2026);
    expect(residenceReminderDue(utc('2027-02-01T03:00:00'), HCM, { start: '12-15', end: '01-31' }, 30, 8, quiet)).toBeNull();
    expect(residenceReminderDue(utc('2026-02-10T03:00:00'), HCM, { start: '03-01', end: '03-31' }, 20, 8, quiet)).toBe(2026); // 20 days before 1 March
    expect(residenceReminderDue(utc('2026-02-08T03:00:00'), HCM, { start: '03-01', end: '03-31' }, 20, 8, quiet)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { MemberFacts } from './members.js';
import {
  SECTION_MAX,
  SELF_CHECK_MAX,
  countPledges,
  dayOfYear,
  emptyPledge,
  expectedToPledge,
  isOpenYear,
  missingSections,
  nextSection,
  openYears,
  parseParagraphs,
  parsePledge,
  selfCheckOpen,
  writeSection,
  writeSelfCheck,
  yearlyPromptDue,
  type PledgeContent,
} from './pledges.js';

const HCM = 'Asia/Ho_Chi_Minh';
const quiet = { from: '21:00', to: '07:00' };
const utc = (iso: string): number => Date.parse(`${iso}Z`);

function write(content: PledgeContent, key: string, text: string, mode: 'append' | 'replace' = 'append'): PledgeContent {
  const r = writeSection(content, key, text, mode);
  if (!r.ok) throw new Error(r.code);
  return r.value;
}

describe('writing the commitment', () => {
  it('appends paragraphs and replaces a section', () => {
    let c = write(emptyPledge(), 'study', 'Học chuyên đề năm 2027.');
    c = write(c, 'study', '  Đọc "Sửa đổi lối làm việc".  ');
    expect(c.sections.study).toEqual(['Học chuyên đề năm 2027.', 'Đọc "Sửa đổi lối làm việc".']);
    c = write(c, 'study', 'Chỉ một đoạn', 'replace');
    expect(c.sections.study).toEqual(['Chỉ một đoạn']);
  });

  it('never changes the content it was given', () => {
    const before = write(emptyPledge(), 'practice', 'Một');
    const after = write(before, 'practice', 'Hai');
    expect(before.sections.practice).toEqual(['Một']);
    expect(after.sections.practice).toEqual(['Một', 'Hai']);
  });

  it('refuses unknown sections, empty text, ID numbers and overlong sections', () => {
    expect(writeSection(emptyPledge(), 'level', 'x', 'append')).toEqual({ ok: false, code: 'PLEDGE.SECTION_INVALID' });
    expect(writeSection(emptyPledge(), 'study', ' \n ', 'append')).toEqual({ ok: false, code: 'PLEDGE.EMPTY_TEXT' });
    expect(writeSection(emptyPledge(), 'study', 'CCCD 079123456789', 'append')).toEqual({ ok: false, code: 'MEMBER.ID_NUMBER' });
    const full = write(emptyPledge(), 'actionPlan', 'x'.repeat(SECTION_MAX));
    expect(writeSection(full, 'actionPlan', 'y', 'append')).toEqual({ ok: false, code: 'PLEDGE.TOO_LONG' });
    expect(writeSection(full, 'actionPlan', 'y', 'replace').ok).toBe(true);
  });

  it('knows what is missing and what comes next', () => {
    let c = emptyPledge();
    expect(missingSections(c)).toEqual(['study', 'practice', 'actionPlan']);
    expect(nextSection(c)).toBe('study');
    c = write(c, 'practice', 'x');
    expect(nextSection(c)).toBe('study');
    expect(nextSection(c, 'study')).toBe('actionPlan');
    c = write(write(c, 'study', 'x'), 'actionPlan', 'x');
    expect(missingSections(c)).toEqual([]);
    expect(nextSection(c)).toBeNull();
  });

  it('writes the self-check within its limit', () => {
    const one = writeSelfCheck([], 'Đã hoàn thành 3/4 việc.', 'append');
    expect(one).toEqual({ ok: true, value: ['Đã hoàn thành 3/4 việc.'] });
    expect(writeSelfCheck(['a'], 'b', 'append')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(writeSelfCheck(['a'], 'b', 'replace')).toEqual({ ok: true, value: ['b'] });
    expect(writeSelfCheck([], '', 'append')).toEqual({ ok: false, code: 'PLEDGE.EMPTY_TEXT' });
    expect(writeSelfCheck(['x'.repeat(SELF_CHECK_MAX)], 'y', 'append')).toEqual({ ok: false, code: 'PLEDGE.TOO_LONG' });
  });

  it('reads stored JSON leniently', () => {
    expect(parsePledge({ sections: { study: ['a', 3, 'b'], bogus: ['x'], practice: 'not a list' } })).toEqual({ sections: { study: ['a', 'b'] } });
    expect(parsePledge(null)).toEqual({ sections: {} });
    expect(parseParagraphs(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(parseParagraphs('x')).toEqual([]);
  });
});

describe('the year', () => {
  it('is open for this year, and from December also for the next', () => {
    expect(openYears('2026-11-30')).toEqual([2026]);
    expect(openYears('2026-12-01')).toEqual([2026, 2027]);
    expect(openYears('2027-01-01')).toEqual([2027]);
    expect(isOpenYear(2025, '2026-01-02')).toBe(false);
  });

  it('places a month-day in a year, 29 February falling back', () => {
    expect(dayOfYear(2027, '01-05')).toBe('2027-01-05');
    expect(dayOfYear(2027, '02-29')).toBe('2027-02-28');
    expect(dayOfYear(2028, '02-29')).toBe('2028-02-29');
  });

  it('opens the self-check from its day to the end of the next January', () => {
    expect(selfCheckOpen(2027, '2027-06-30', '07-01')).toBe(false);
    expect(selfCheckOpen(2027, '2027-07-01', '07-01')).toBe(true);
    expect(selfCheckOpen(2027, '2028-01-31', '07-01')).toBe(true);
    expect(selfCheckOpen(2027, '2028-02-01', '07-01')).toBe(false);
  });

  it('expects the same members as meetings do', () => {
    const base: MemberFacts = { status: 'active', role: 'member', membership: 'full', attachment: 'regular', exemptions: [] };
    expect(expectedToPledge(base, '2027-01-05')).toBe(true);
    expect(expectedToPledge({ ...base, membership: 'probationary' }, '2027-01-05')).toBe(true);
    expect(expectedToPledge({ ...base, status: 'left' }, '2027-01-05')).toBe(false);
    expect(expectedToPledge({ ...base, attachment: 'temporary' }, '2027-01-05')).toBe(false);
    expect(expectedToPledge({ ...base, exemptions: [{ kind: 'permanent', from: '2020-01-01', to: null }] }, '2027-01-05')).toBe(false);
    expect(expectedToPledge({ ...base, exemptions: [{ kind: 'temporary', from: '2026-01-01', to: '2026-12-31' }] }, '2027-01-05')).toBe(true);
  });

  it('counts registrations over those expected', () => {
    const rows = [
      { memberId: 1, status: 'submitted' as const, selfChecked: true },
      { memberId: 2, status: 'submitted' as const, selfChecked: false },
      { memberId: 3, status: 'draft' as const, selfChecked: false },
      { memberId: 9, status: 'submitted' as const, selfChecked: true }, // not expected (exempt): not counted
    ];
    expect(countPledges([1, 2, 3, 4, 5], rows)).toEqual({ expected: 5, submitted: 2, drafts: 1, notStarted: 2, selfChecked: 1 });
    expect(countPledges([], rows)).toEqual({ expected: 0, submitted: 0, drafts: 0, notStarted: 0, selfChecked: 0 });
  });
});

describe('yearly prompts (January reminder, July self-check)', () => {
  it('are due from the day at the hour, in the cell zone, for the window', () => {
    expect(yearlyPromptDue(utc('2027-01-05T00:59:00'), HCM, '01-05', 8, 30, quiet)).toBeNull(); // 07:59 local
    expect(yearlyPromptDue(utc('2027-01-05T01:00:00'), HCM, '01-05', 8, 30, quiet)).toBe(2027);
    expect(yearlyPromptDue(utc('2027-02-03T10:00:00'), HCM, '01-05', 8, 30, quiet)).toBe(2027); // day 29 of the window
    expect(yearlyPromptDue(utc('2027-02-03T17:00:00'), HCM, '01-05', 8, 30, quiet)).toBeNull(); // 4 Feb local: over
    expect(yearlyPromptDue(utc('2027-07-01T02:00:00'), HCM, '07-01', 8, 30, quiet)).toBe(2027);
    expect(yearlyPromptDue(utc('2027-06-30T02:00:00'), HCM, '07-01', 8, 30, quiet)).toBeNull();
  });

  it('wait out quiet hours', () => {
    expect(yearlyPromptDue(utc('2027-01-05T15:00:00'), HCM, '01-05', 8, 30, quiet)).toBeNull(); // 22:00 local
    expect(yearlyPromptDue(utc('2027-01-06T00:00:00'), HCM, '01-05', 8, 30, quiet)).toBe(2027); // 07:00 local
  });

  it('find the right year when the cell is already in the new year and UTC is not', () => {
    // 1 January 2027 at 07:30 in Hà Nội is 31 December 2026 in UTC.
    expect(yearlyPromptDue(utc('2027-01-01T00:30:00'), HCM, '01-01', 7, 30, quiet)).toBe(2027);
    expect(yearlyPromptDue(utc('2026-12-31T23:30:00'), 'Pacific/Kiritimati', '01-01', 8, 30, { from: '00:00', to: '00:00' })).toBe(2027);
  });
});

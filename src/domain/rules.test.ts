import { describe, expect, it } from 'vitest';
import { cite, ruleSets, rulesOn } from './rules.js';

describe('rulesOn', () => {
  it.each([
    ['2000-01-01', '2018'],
    ['2018-07-05', '2018'],
    ['2018-07-06', '2018'],
    ['2024-12-31', '2018'],
    ['2025-10-27', '2018'],
    ['2025-10-28', '2025-10'],
    ['2025-12-31', '2025-10'],
    ['2026-01-31', '2025-10'],
    ['2026-02-01', '2026-02'],
    ['2026-11-26', '2026-02'],
    ['2099-12-31', '2026-02'],
  ])('%s → %s', (day, id) => {
    expect(rulesOn(day).id).toBe(id);
  });

  it('changes the student dues on 2026-02-01 under Quy định 01-QĐ/TW', () => {
    const before = rulesOn('2026-01-31');
    const after = rulesOn('2026-02-01');
    expect(before.dues.studentAmount).toBe(2000);
    expect(after.dues.studentAmount).toBe(5000);
    expect(after.sources.dues.map((d) => d.number)).toEqual(['Quy định 01-QĐ/TW']);
    expect(cite(after.sources.dues)).toBe('Quy định 01-QĐ/TW (03/02/2026)');
    expect(before.sources.dues.map((d) => d.number)).toEqual(['Quy định 342-QĐ/TW']);
    expect(rulesOn('2025-01-01').dues.studentAmount).toBe(2000);
  });

  it('keeps the other dues numbers across 2026-02', () => {
    const before = rulesOn('2026-01-31').dues;
    const after = rulesOn('2026-02-01').dues;
    // Quy định 01-QĐ/TW also changes what the 1 % applies to (last month's social-insurance base).
    expect({ ...after, studentAmount: before.studentAmount, insuredBase: before.insuredBase }).toEqual(before);
  });

  it('sets meetings at 90 minutes, 120 with a thematic part, 24 hours notice', () => {
    for (const day of ['2020-01-01', '2025-10-28', '2026-02-01']) {
      const r = rulesOn(day);
      expect(r.meetings.minMinutes).toBe(90);
      expect(r.meetings.minMinutesWithThematic).toBe(120);
      expect(r.meetings.noticeHours).toBe(24);
      expect(r.meetings.thematicPerQuarter).toBe(1);
    }
  });

  it('cites the 2025 meeting and review documents from 2025-10-28', () => {
    expect(rulesOn('2025-10-27').sources.meetings.map((d) => d.number)).toEqual(['Hướng dẫn 12-HD/BTCTW']);
    expect(rulesOn('2025-10-28').sources.meetings.map((d) => d.number)).toEqual(['Chỉ thị 50-CT/TW', 'Hướng dẫn 42-HD/BTCTW']);
    expect(rulesOn('2025-10-28').sources.review.map((d) => d.number)).toEqual(['Quy định 366-QĐ/TW', 'Hướng dẫn 43-HD/BTCTW']);
  });

  it('orders the rule sets oldest first with distinct ids', () => {
    const from = ruleSets.map((r) => r.inForceFrom);
    expect(from).toEqual([...from].sort());
    expect(new Set(ruleSets.map((r) => r.id)).size).toBe(ruleSets.length);
    for (const r of ruleSets) expect(rulesOn(r.inForceFrom)).toBe(r);
  });

  it('orders review levels from best down to zero', () => {
    const levels = rulesOn('2026-02-01').review.levels;
    expect(levels.map((l) => l.key)).toEqual(['excellent', 'good', 'completed', 'notCompleted']);
    expect(levels.map((l) => l.minScore)).toEqual([90, 70, 50, 0]);
  });
});

describe('cite', () => {
  it('formats dates as dd/mm/yyyy', () => {
    expect(cite([{ number: 'Hướng dẫn 42-HD/BTCTW', date: '2025-10-28' }])).toBe('Hướng dẫn 42-HD/BTCTW (28/10/2025)');
    expect(cite([{ number: 'X', date: '2026-01-05' }])).toBe('X (05/01/2026)');
  });

  it('joins several documents with commas', () => {
    expect(cite(rulesOn('2025-10-28').sources.meetings)).toBe('Chỉ thị 50-CT/TW (23/07/2025), Hướng dẫn 42-HD/BTCTW (28/10/2025)');
    expect(cite(rulesOn('2026-02-01').sources.removal)).toBe('Điều lệ Đảng, Điều 8 (19/01/2011), Quy định 24-QĐ/TW (30/07/2021)');
  });

  it('gives an empty string for no documents', () => {
    expect(cite([])).toBe('');
  });

  it('gives every source of every rule set a well-formed citation', () => {
    for (const r of ruleSets)
      for (const docs of Object.values(r.sources)) {
        expect(docs.length).toBeGreaterThan(0);
        for (const d of docs) expect(cite([d])).toMatch(/^.+ \(\d{2}\/\d{2}\/\d{4}\)$/);
      }
  });
});

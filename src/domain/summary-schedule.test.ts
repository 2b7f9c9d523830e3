import { describe, expect, it } from 'vitest';
import { dueSummaries, firstWorkingDay } from './summary-schedule.js';

describe('scheduled summaries', () => {
  it('first working day: skips Saturday and Sunday', () => {
    expect(firstWorkingDay('2026-02')).toBe('2026-02-02'); // 1 Feb 2026 is a Sunday
    expect(firstWorkingDay('2026-08')).toBe('2026-08-03'); // Saturday 1, Sunday 2
    expect(firstWorkingDay('2026-12')).toBe('2026-12-01');
    expect(firstWorkingDay('2026-06', 15)).toBe('2026-06-15');
    expect(firstWorkingDay('2025-06', 15)).toBe('2025-06-16'); // 15 June 2025 is a Sunday
  });
  it('the digest of the previous month, only on the first working day and from the usual hour', () => {
    expect(dueSummaries('2026-02-02', 8, 8)).toEqual([{ kind: 'digest', month: '2026-01' }]);
    expect(dueSummaries('2026-01-01', 9, 8)).toEqual([{ kind: 'digest', month: '2025-12' }]);
    expect(dueSummaries('2026-02-02', 7, 8)).toEqual([]);
    expect(dueSummaries('2026-02-01', 9, 8)).toEqual([]);
    expect(dueSummaries('2026-02-03', 9, 8)).toEqual([]);
  });
  it('the sơ kết reminder in mid-June and the tổng kết reminder in mid-December', () => {
    expect(dueSummaries('2026-06-15', 8, 8)).toEqual([{ kind: 'review', half: 'H1', year: 2026 }]);
    expect(dueSummaries('2026-12-15', 8, 8)).toEqual([{ kind: 'review', half: 'Y', year: 2026 }]);
    expect(dueSummaries('2026-12-01', 8, 8)).toEqual([{ kind: 'digest', month: '2026-11' }]);
    expect(dueSummaries('2026-09-15', 8, 8)).toEqual([]);
  });
});

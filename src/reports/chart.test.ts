import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Translator } from '../conversation/i18n.js';
import { summarise, type SummaryMeeting } from '../domain/summary.js';
import type { CellSummary } from '../services/summary.js';
import { buildSummaryChart } from './chart.js';

const meeting = (id: number, date: string, present: number, of: number): SummaryMeeting => ({
  meetingId: id,
  kind: 'regular',
  withThematic: false,
  date,
  attendees: Array.from({ length: of }, (_, i) => ({ memberId: i + 1, membership: 'full' as const, expected: true, status: i < present ? 'present' : 'unexcused' })),
});

function sample(): CellSummary {
  const meetings = [meeting(1, '2025-01-10', 9, 10), meeting(2, '2025-02-14', 7, 10), meeting(3, '2025-03-14', 10, 10), meeting(4, '2025-04-11', 5, 10)];
  const charges = ['2025-01', '2025-02', '2025-03', '2025-04'].flatMap((month, k) => Array.from({ length: 10 }, (_, i) => ({ memberId: i + 1, month, due: 50_000, paid: i < 10 - k * 2 ? 50_000 : 0 })));
  const period = { from: '2025-01-01', to: '2025-06-30' };
  const summary = summarise({ period, today: '2026-11-24', quorumRule: 'half', members: [], meetings, charges, assignments: [], pledged: new Set(), reviewed: null, openFeedback: new Map(), anonymousFeedback: 0, yearMeetings: meetings, yearCharges: charges });
  return { cell: { id: 1, name: 'Chi bộ Khu phố Đông Hưng Thuận', superiorName: 'Đảng ủy phường', timezone: 'Asia/Ho_Chi_Minh' }, today: '2026-11-24', summary, detail: { meetings, charges, assignments: [] } };
}

describe('the summary chart', () => {
  it('is a valid PNG of sensible size, with Vietnamese labels (kept in the temp folder to look at)', () => {
    const translator = new Translator('vi');
    const png = buildSummaryChart(translator.for('vi'), sample());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.readUInt32BE(20)).toBe(870);
    expect(png.length).toBeGreaterThan(20_000);
    expect(png.length).toBeLessThan(2_000_000);
    writeFileSync(join(tmpdir(), 'summary-chart.png'), png);
  });
  it('renders an empty period with its explanation instead of bars', () => {
    const translator = new Translator('vi');
    const cs = sample();
    const empty: CellSummary = { ...cs, summary: { ...cs.summary, meetings: [] }, detail: { meetings: [], charges: [], assignments: [] } };
    const png = buildSummaryChart(translator.for('en'), empty);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

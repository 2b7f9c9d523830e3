import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDateIn } from '../conversation/format.js';
import { zonedInstant } from '../domain/meetings-time.js';
import { summaryText } from '../reports/summary-text.js';
import { MonthlyCheckRepo } from '../store/repos/monthlyCheck.js';
import { SummaryRepo, type SummaryWindow } from '../store/repos/summary.js';
import { inputServices } from './assignments.testing.js';
import type { Caller } from './context.js';
import { localDateIn, SummaryService } from './summary.js';
import { seedDistrict, type DistrictFixture } from './summary.testing.js';
import { ADMIN_TELEGRAM_ID, openWorld, type TestWorld } from './testing.js';

/**
 * The roll-up reads every cell of a time zone together (one query per table); /tongket of one cell
 * reads that cell alone. Both must give each cell exactly the same summary.
 */
let w: TestWorld;
let d: DistrictFixture;
let summary: SummaryService;
let repo: SummaryRepo;
const admin: Caller = { personId: 0, channel: 'telegram', externalId: ADMIN_TELEGRAM_ID, isAdmin: true };

beforeAll(() => {
  w = openWorld();
  d = seedDistrict(w);
  const s = inputServices(w);
  repo = new SummaryRepo(w.store);
  summary = new SummaryService(s.deps, { access: w.services.access, settings: w.services.settings, repo, indicators: s.indicators, monthlyChecks: new MonthlyCheckRepo(w.store.db), notifier: w.services.notifier, digestText: summaryText });
});
afterAll(() => w.close());

const periods = [
  { name: 'the year 2025', from: '2025-01-01', to: '2025-12-31' },
  { name: 'the year 2024', from: '2024-01-01', to: '2024-12-31' },
  { name: 'a quarter', from: '2025-04-01', to: '2025-06-30' },
  { name: 'the month a Tokyo meeting slips into', from: '2025-07-01', to: '2025-07-31' },
  { name: 'a typed range across a new year', from: '2024-11-15', to: '2025-02-10' },
  { name: 'the half-year in progress', from: '2026-01-01', to: '2026-06-30' },
  { name: 'five years', from: '2022-01-01', to: '2026-12-31' },
];

describe('roll-up and single-cell reads give the same summaries', () => {
  it.each(periods)('$name', (p) => {
    const all = summary.rollup(admin, p);
    expect(all.map((cs) => cs.cell.id)).toEqual(d.cells.map((c) => c.id));
    for (const [i, cell] of d.cells.entries()) {
      const alone = summary.view(d.secretaries[i] as Caller, cell.id, p);
      expect(all[i]).toEqual(alone);
      expect(summary.compute(cell.id, p)).toEqual(alone);
    }
  });

  it('the repository gives each cell of a batch what it gives that cell alone', () => {
    const tz = 'Asia/Ho_Chi_Minh';
    const window: SummaryWindow = {
      meetings: { fromMs: zonedInstant('2024-10-01', '00:00', tz), toMs: zonedInstant('2026-01-01', '00:00', tz) },
      months: { from: '2024-10', to: '2025-12' },
      period: { from: '2024-11-15', to: '2025-12-31' },
      feedback: { fromMs: zonedInstant('2024-11-15', '00:00', tz), toMs: zonedInstant('2026-01-01', '00:00', tz) },
      pledgeYear: 2025,
    };
    const ids = d.cells.map((c) => c.id);
    const batch = repo.read(ids, window);
    expect([...batch.keys()]).toEqual(ids);
    for (const id of ids) expect(batch.get(id)).toEqual(repo.read([id], window).get(id));
    expect(repo.read([], window).size).toBe(0);
  });
});

describe('the district fixture exercises what the batch read must keep apart', () => {
  it('joins, departures, exemptions, every kind of input, and an empty cell', () => {
    const [first, , , empty] = summary.rollup(admin, { from: '2025-01-01', to: '2025-12-31' });
    const s = first?.summary;
    expect(s?.members.some((m) => m.joinedInPeriod)).toBe(true);
    expect(s?.members.some((m) => m.leftInPeriod)).toBe(true);
    expect(s?.members.some((m) => m.exempt)).toBe(true);
    expect(s?.cadence.monthsMissed.length).toBeGreaterThan(0);
    expect(s?.dues.paid).toBeLessThan(s?.dues.due ?? 0);
    expect(s?.assignments.late).toBeGreaterThan(0);
    expect(s?.reviews).not.toBeNull();
    expect(s?.feedback.open).toBeGreaterThan(0);
    expect(s?.feedback.anonymous).toBeGreaterThan(0);
    expect(s?.flags.length).toBeGreaterThan(0);
    expect(empty?.summary.members.map((m) => m.fullName)).toEqual([]);
    expect(empty?.summary.meetings).toEqual([]);
  });

  it('a meeting at 23:30 on 30/06 in Hà Nội time falls on 01/07 in a Tokyo cell', () => {
    const june = { from: '2025-06-01', to: '2025-06-30' };
    const july = { from: '2025-07-01', to: '2025-07-31' };
    const dates = (p: typeof june) => summary.rollup(admin, p).slice(0, 2).map((cs) => cs.summary.meetings.map((m) => `${m.date} ${m.kind}`));
    // The Hà Nội cell held no regular meeting in July, the Tokyo cell none in June.
    expect(dates(june)).toEqual([['2025-06-10 regular', '2025-06-30 extraordinary'], []]);
    expect(dates(july)).toEqual([[], ['2025-07-01 extraordinary', '2025-07-10 regular']]);
  });
});

describe('meeting dates in the cell\'s zone', () => {
  it.each(['Asia/Ho_Chi_Minh', 'Asia/Tokyo', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Europe/London'])('%s: the same day as isoDateIn, around midnight and daylight-saving changes', (tz) => {
    const dateOf = localDateIn(tz);
    const start = Date.UTC(2024, 0, 1);
    // Every 97 minutes for two years, and one millisecond either side of each local midnight.
    const instants: number[] = [];
    for (let ms = start; ms < start + 2 * 366 * 86_400_000; ms += 97 * 60_000) instants.push(ms);
    for (let day = 0; day < 2 * 366; day++) {
      const midnight = zonedInstant(isoDateIn(start + day * 86_400_000, tz), '00:00', tz);
      instants.push(midnight - 1, midnight, midnight + 1);
    }
    expect(instants.map(dateOf)).toEqual(instants.map((ms) => isoDateIn(ms, tz)));
  });
});

/**
 * The /tongket benchmark (run by `npm run bench`, or alone with `BENCH=summary npm run bench`): a
 * generated district of 50 cells × 100 members × 5 years of monthly meetings (a thematic one each
 * quarter), dues and assignments, in a real SQLite file with the real migrations; then the summary
 * of one cell-year (queries, rules and the message text) and of the whole district-year (the
 * roll-up), timed in-process.
 *
 * Nothing is cached between runs: every run reads the database and computes afresh. The code is
 * warmed up on another year first, so the first timed run is the first read of anything of 2025.
 * Reports the first run, the median, the 95th percentile and the worst.
 *
 * Targets: one cell-year < 20 ms, the district-year < 300 ms (median of the timed runs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../src/clock.js';
import { Translator } from '../src/conversation/i18n.js';
import { zonedInstant } from '../src/domain/meetings-time.js';
import { rollupText, summaryText } from '../src/reports/summary-text.js';
import { Access } from '../src/services/access.js';
import { createRepos, type Caller, type ServiceDeps } from '../src/services/context.js';
import { IndicatorRegistry } from '../src/services/indicators.js';
import { Notifier } from '../src/services/notifier.js';
import { SettingsService } from '../src/services/settings.js';
import { SummaryService } from '../src/services/summary.js';
import { openStore, type Store } from '../src/store/db.js';
import { MonthlyCheckRepo } from '../src/store/repos/monthlyCheck.js';
import { SummaryRepo } from '../src/store/repos/summary.js';

const CELLS = Number(process.env.BENCH_CELLS ?? 50);
const MEMBERS = Number(process.env.BENCH_CELL_MEMBERS ?? 100);
const YEARS = [2022, 2023, 2024, 2025, 2026];
const TZ = 'Asia/Ho_Chi_Minh';
const CELL_RUNS = 51;
const DISTRICT_RUNS = 21;

/** A small deterministic generator, so every run measures the same district. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generate(store: Store): { cellIds: number[]; secretary: Caller } {
  const db = store.sqlite;
  const rnd = random(42);
  const now = Date.now();
  const cellIds: number[] = [];
  let secretaryPerson = 0;
  const insCell = db.prepare("INSERT INTO cells (name, superior_name, timezone, locale, settings, created_at) VALUES (?, 'Đảng ủy phường', ?, 'vi', '{}', ?)");
  const insPerson = db.prepare('INSERT INTO persons (created_at) VALUES (?)');
  const insMember = db.prepare('INSERT INTO members (cell_id, person_id, full_name, role, status, membership, joined_on, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insMeeting = db.prepare("INSERT INTO meetings (cell_id, kind, with_thematic, starts_at, duration_minutes, status, check_in_secret, created_at, updated_at) VALUES (?, ?, 0, ?, 120, 'closed', 's', ?, ?)");
  const insAttendee = db.prepare('INSERT INTO meeting_attendees (meeting_id, member_id, person_id, expected, exempt, membership, status, created_at, updated_at) VALUES (?, ?, ?, 1, 0, ?, ?, ?, ?)');
  const insCharge = db.prepare("INSERT INTO dues_charges (cell_id, member_id, month, category, due, rules_id, created_at, updated_at) VALUES (?, ?, ?, 'insured', ?, 'bench', ?, ?)");
  const insPayment = db.prepare("INSERT INTO dues_payments (cell_id, member_id, month, amount, method, status, timing, declared_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'cash', 'confirmed', 'on_time', ?, ?, ?)");
  const insTask = db.prepare('INSERT INTO assignments (cell_id, member_id, assigned_by, title, criterion, deadline, status, done_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insPledge = db.prepare("INSERT INTO pledges (cell_id, member_id, year, status, created_at, updated_at) VALUES (?, ?, ?, 'submitted', ?, ?)");
  db.transaction(() => {
    for (let c = 0; c < CELLS; c++) {
      const cellId = Number(insCell.run(`Chi bộ số ${c + 1}`, TZ, now).lastInsertRowid);
      cellIds.push(cellId);
      const members: { id: number; person: number; membership: string }[] = [];
      for (let i = 0; i < MEMBERS; i++) {
        const person = Number(insPerson.run(now).lastInsertRowid);
        const membership = rnd() < 0.1 ? 'probationary' : 'full';
        const left = rnd() < 0.05;
        const id = Number(insMember.run(cellId, person, `Đảng viên ${c + 1}.${i + 1}`, i === 0 ? 'secretary' : 'member', left ? 'left' : 'active', membership, '2020-01-01', left ? '2026-06-30' : null, now, now).lastInsertRowid);
        members.push({ id, person, membership });
        if (c === 0 && i === 0) secretaryPerson = person;
      }
      const secretaryId = (members[0] as { id: number }).id;
      for (const year of YEARS) {
        for (let month = 1; month <= 12; month++) {
          const mm = `${year}-${String(month).padStart(2, '0')}`;
          const kinds = month % 3 === 2 ? ['regular', 'thematic'] : ['regular'];
          for (const kind of kinds) {
            const meetingId = Number(insMeeting.run(cellId, kind, zonedInstant(`${mm}-${kind === 'regular' ? '10' : '20'}`, '14:00', TZ), now, now).lastInsertRowid);
            for (const m of members) {
              const r = rnd();
              insAttendee.run(meetingId, m.id, m.person, m.membership, r < 0.85 ? 'present' : r < 0.9 ? 'late' : r < 0.96 ? 'excused' : 'unexcused', now, now);
            }
          }
          for (const m of members) {
            insCharge.run(cellId, m.id, mm, 50_000, now, now);
            if (rnd() < 0.93) insPayment.run(cellId, m.id, mm, 50_000, now, now, now);
          }
        }
        for (const m of members) {
          insPledge.run(cellId, m.id, year, now, now);
          for (let k = 0; k < 2; k++) {
            const deadline = `${year}-${String(3 + k * 6).padStart(2, '0')}-28`;
            const r = rnd();
            insTask.run(cellId, m.id, secretaryId, 'Nhiệm vụ', 1 + ((k + m.id) % 4), deadline, r < 0.8 ? 'confirmed' : 'accepted', r < 0.7 ? deadline : r < 0.8 ? `${year}-12-31` : null, now, now);
          }
        }
      }
    }
  })();
  return { cellIds, secretary: { personId: secretaryPerson, channel: 'telegram', externalId: 'bench', isAdmin: true } };
}

/** Median, 95th percentile (nearest rank) and worst of a set of timings. */
function stats(xs: number[]): { median: number; p95: number; worst: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
  return { median: at(0.5), p95: at(0.95), worst: s[s.length - 1] as number };
}

function timed(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

export async function runSummaryBench(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'chibo-bench-summary-'));
  try {
    const store = openStore(join(dir, 'bench.db'));
    const started = performance.now();
    const { cellIds, secretary } = generate(store);
    const generated = performance.now() - started;
    const repos = createRepos(store);
    const translator = new Translator('vi');
    // Mid-2027: every generated year is over.
    const clock: Clock = { now: () => Date.UTC(2027, 5, 1) };
    const deps: ServiceDeps = { store, repos, clock, translator, settings: { defaultTimezone: TZ, defaultLocale: 'vi', inviteTtlDays: 7 } };
    const access = new Access(repos);
    const settings = new SettingsService(deps, access);
    const summary = new SummaryService(deps, {
      access,
      settings,
      repo: new SummaryRepo(store),
      indicators: new IndicatorRegistry(),
      monthlyChecks: new MonthlyCheckRepo(store.db),
      notifier: new Notifier(repos, translator, clock, {}),
      digestText: summaryText,
    });
    const t = translator.for('vi');
    const year = { from: '2025-01-01', to: '2025-12-31' };
    const cellId = cellIds[0] as number;
    let chars = 0;
    const cellYear = (): void => void (chars = summaryText(t, summary.view(secretary, cellId, year)).length);
    const districtYear = (): void => void rollupText(t, summary.rollup(secretary, year), year);
    // Warm up the code (JIT, i18next, Intl) on another year, so the first timed run is the first
    // time anything of 2025 is read: nothing is cached between runs, every run reads and computes.
    const before = { from: '2024-01-01', to: '2024-12-31' };
    summaryText(t, summary.view(secretary, cellId, before));
    rollupText(t, summary.rollup(secretary, before), before);
    const cellTimes = Array.from({ length: CELL_RUNS }, () => timed(cellYear));
    const districtTimes = Array.from({ length: DISTRICT_RUNS }, () => timed(districtYear));
    const counts = store.sqlite.prepare('SELECT (SELECT count(*) FROM meetings) AS meetings, (SELECT count(*) FROM meeting_attendees) AS attendees, (SELECT count(*) FROM dues_charges) AS charges, (SELECT count(*) FROM dues_payments) AS payments, (SELECT count(*) FROM assignments) AS tasks').get() as Record<string, number>;
    const cell = stats(cellTimes);
    const district = stats(districtTimes);
    const ok = cell.median < 20 && district.median < 300;
    const ms = (x: number): string => `${x.toFixed(1)} ms`;
    process.stdout.write(
      [
        '',
        `/tongket benchmark: ${CELLS} cells × ${MEMBERS} members × ${YEARS.length} years (generated in ${(generated / 1000).toFixed(1)} s)`,
        `  rows: ${counts.meetings} meetings, ${counts.attendees} attendance rows, ${counts.charges} dues charges, ${counts.payments} payments, ${counts.tasks} tasks`,
        `  one cell-year:  first ${ms(cellTimes[0] as number)}, median ${ms(cell.median)}, p95 ${ms(cell.p95)}, worst ${ms(cell.worst)} over ${cellTimes.length} runs (message ${chars} characters)  target < 20 ms  ${cell.median < 20 ? 'OK' : 'MISSED'}`,
        `  district-year:  first ${ms(districtTimes[0] as number)}, median ${ms(district.median)}, p95 ${ms(district.p95)}, worst ${ms(district.worst)} over ${districtTimes.length} runs  target < 300 ms  ${district.median < 300 ? 'OK' : 'MISSED'}`,
        `  machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)} (1 min) at the end`,
        '',
      ].join('\n') + '\n',
    );
    store.close();
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

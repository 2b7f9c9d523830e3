import type Database from 'better-sqlite3';
import { instant } from './meetings-harness.js';

/**
 * A hand-computed fixture cell for /tongket, year 2025 (Hà Nội time). The expected figures in
 * summary.test.ts were worked out by hand from this description, not from the code:
 *
 * - An (full, since 2020), Bích (full, since 2020), Cường (probationary, joined 15/02/2025),
 *   Dũng (full, left 20/02/2025), Em (full, exempt from activities all of 2025, still pays dues).
 *   The secretary joined in 2026, so she is not in any 2025 period.
 * - Held meetings: 10/01 regular; 14/02 regular with a thematic part; 14/03 regular; 09/05
 *   thematic; 13/06 regular; 11/07 regular. Not counted: a committee meeting 04/04 and a
 *   regular meeting 11/04 that was cancelled.
 * - Dues: An 50.000 đ × 12 paid; Bích 50.000 đ × 12, paid Jan–Mar (April only declared, not
 *   confirmed); Cường 20.000 đ for Mar–Dec, all paid but December; Dũng 50.000 đ Jan–Feb, paid
 *   January; Em 30.000 đ × 12 paid.
 * - Tasks: An due 31/03 done 20/03 (confirmed), due 30/06 done 05/07; Bích due 28/02 never done,
 *   and one due 01/05 cancelled; Cường due 30/09 done 30/09.
 * - Yearly commitment 2025 submitted by An and Cường (Bích only a draft). Self-criticism season
 *   with deadline 15/12/2025: An and Cường submitted, Bích a draft.
 * - Open feedback by An on 10/02/2025 and 15/10/2025, by Bích on 20/12/2024. Anonymous feedback
 *   on 20/01/2025, 05/06/2025, 11/11/2025 and 30/12/2024.
 */
export function seedSummaryFixture(db: Database.Database): { cellId: number } {
  const cellId = (db.prepare('SELECT id FROM cells ORDER BY id LIMIT 1').get() as { id: number }).id;
  const now = Date.now();
  db.prepare("UPDATE members SET joined_on = '2026-11-01' WHERE cell_id = ?").run(cellId);
  const secretary = (db.prepare("SELECT id FROM members WHERE cell_id = ? AND role = 'secretary'").get(cellId) as { id: number }).id;
  const person = (): number => Number(db.prepare('INSERT INTO persons (created_at) VALUES (?)').run(now).lastInsertRowid);
  const member = (fullName: string, membership: string, status: string, joinedOn: string, leftOn: string | null): number =>
    Number(
      db
        .prepare('INSERT INTO members (cell_id, person_id, full_name, role, status, membership, joined_on, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(cellId, person(), fullName, 'member', status, membership, joinedOn, leftOn, now, now).lastInsertRowid,
    );
  const an = member('Nguyễn Văn An', 'full', 'active', '2020-01-01', null);
  const bich = member('Lê Thị Bích', 'full', 'active', '2020-01-01', null);
  const cuong = member('Phạm Văn Cường', 'probationary', 'active', '2025-02-15', null);
  const dung = member('Hoàng Văn Dũng', 'full', 'left', '2020-01-01', '2025-02-20');
  const em = member('Vũ Thị Em', 'full', 'active', '2020-01-01', null);
  db.prepare("INSERT INTO exemptions (cell_id, member_id, kind, from_date, to_date, created_at) VALUES (?, ?, 'temporary', '2025-01-01', '2025-12-31', ?)").run(cellId, em, now);
  const personOf = (id: number): number => (db.prepare('SELECT person_id AS p FROM members WHERE id = ?').get(id) as { p: number }).p;
  const membershipOf = (id: number): string => (id === cuong ? 'probationary' : 'full');

  const meeting = (date: string, kind: string, withThematic: boolean, status: string, rows: [number, boolean, string | null][]): void => {
    const id = Number(
      db
        .prepare('INSERT INTO meetings (cell_id, kind, with_thematic, starts_at, duration_minutes, status, check_in_secret, created_at, updated_at) VALUES (?, ?, ?, ?, 120, ?, ?, ?, ?)')
        .run(cellId, kind, withThematic ? 1 : 0, instant(date, '14:00'), status, `s-${date}`, now, now).lastInsertRowid,
    );
    for (const [m, expected, st] of rows) {
      db.prepare('INSERT INTO meeting_attendees (meeting_id, member_id, person_id, expected, exempt, membership, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(id, m, personOf(m), expected ? 1 : 0, m === em ? 1 : 0, membershipOf(m), st, now, now);
    }
  };
  meeting('2025-01-10', 'regular', false, 'closed', [
    [an, true, 'present'],
    [bich, true, 'present'],
    [dung, true, 'unexcused'],
    [em, false, 'exempt'],
  ]);
  meeting('2025-02-14', 'regular', true, 'closed', [
    [an, true, 'present'],
    [bich, true, 'excused'],
    [dung, true, 'unexcused'],
    [em, false, 'exempt'],
  ]);
  meeting('2025-03-14', 'regular', false, 'closed', [
    [an, true, 'late'],
    [bich, true, 'present'],
    [cuong, true, 'present'],
    [em, false, 'present'],
  ]);
  meeting('2025-04-04', 'committee', false, 'closed', [[an, true, 'present']]);
  meeting('2025-04-11', 'regular', false, 'cancelled', [
    [an, true, null],
    [bich, true, null],
  ]);
  meeting('2025-05-09', 'thematic', false, 'closed', [
    [an, true, 'present'],
    [bich, true, 'unexcused'],
    [cuong, true, 'present'],
  ]);
  meeting('2025-06-13', 'regular', false, 'closed', [
    [an, true, 'present'],
    [bich, true, 'unexcused'],
    [cuong, true, 'unexcused'],
  ]);
  meeting('2025-07-11', 'regular', false, 'closed', [
    [an, true, 'present'],
    [bich, true, 'unexcused'],
    [cuong, true, 'present'],
  ]);

  const charge = (m: number, month: string, due: number, paid: 'confirmed' | 'declared' | null): void => {
    db.prepare("INSERT INTO dues_charges (cell_id, member_id, month, category, due, rules_id, created_at, updated_at) VALUES (?, ?, ?, 'insured', ?, 'test', ?, ?)").run(cellId, m, month, due, now, now);
    if (paid) db.prepare("INSERT INTO dues_payments (cell_id, member_id, month, amount, method, status, timing, declared_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'cash', ?, 'on_time', ?, ?, ?)").run(cellId, m, month, due, paid, now, now, now);
  };
  const months = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `2025-${String(from + i).padStart(2, '0')}`);
  for (const mo of months(1, 12)) charge(an, mo, 50_000, 'confirmed');
  for (const mo of months(1, 12)) charge(bich, mo, 50_000, mo <= '2025-03' ? 'confirmed' : mo === '2025-04' ? 'declared' : null);
  for (const mo of months(3, 12)) charge(cuong, mo, 20_000, mo === '2025-12' ? null : 'confirmed');
  charge(dung, '2025-01', 50_000, 'confirmed');
  charge(dung, '2025-02', 50_000, null);
  for (const mo of months(1, 12)) charge(em, mo, 30_000, 'confirmed');

  const task = (m: number, deadline: string, status: string, doneOn: string | null): void => {
    db.prepare('INSERT INTO assignments (cell_id, member_id, assigned_by, title, criterion, deadline, status, done_on, created_at, updated_at) VALUES (?, ?, ?, ?, 4, ?, ?, ?, ?, ?)').run(cellId, m, secretary, 'Việc', deadline, status, doneOn, now, now);
  };
  task(an, '2025-03-31', 'confirmed', '2025-03-20');
  task(an, '2025-06-30', 'done', '2025-07-05');
  task(bich, '2025-02-28', 'open', null);
  task(bich, '2025-05-01', 'cancelled', null);
  task(cuong, '2025-09-30', 'confirmed', '2025-09-30');

  const pledge = (m: number, status: string): void => void db.prepare('INSERT INTO pledges (cell_id, member_id, year, status, created_at, updated_at) VALUES (?, ?, 2025, ?, ?, ?)').run(cellId, m, status, now, now);
  pledge(an, 'submitted');
  pledge(cuong, 'submitted');
  pledge(bich, 'draft');
  const season = Number(db.prepare("INSERT INTO review_seasons (cell_id, kind, label, deadline, status, opened_by, created_at) VALUES (?, 'year', 'Năm 2025', '2025-12-15', 'closed', ?, ?)").run(cellId, secretary, now).lastInsertRowid);
  const review = (m: number, status: string): void => void db.prepare("INSERT INTO self_reviews (cell_id, season_id, member_id, form, status, key_id, content, created_at, updated_at) VALUES (?, ?, ?, '2A', ?, 'k', 'x', ?, ?)").run(cellId, season, m, status, now, now);
  review(an, 'submitted');
  review(cuong, 'submitted');
  review(bich, 'draft');
  const open = (m: number, date: string): void => void db.prepare("INSERT INTO feedback_open (cell_id, member_id, topic, text, created_at) VALUES (?, ?, 'committee', 'x', ?)").run(cellId, m, instant(date, '10:00'));
  open(an, '2025-02-10');
  open(an, '2025-10-15');
  open(bich, '2024-12-20');
  let ticket = 0;
  const anon = (date: string): void => void db.prepare("INSERT INTO feedback (id, cell_id, topic, text, created_on, ticket_hash) VALUES (?, ?, 'committee', 'x', ?, ?)").run(900 + ticket, cellId, date, `h${ticket++}`);
  for (const d of ['2025-01-20', '2025-06-05', '2025-11-11', '2024-12-30']) anon(d);
  return { cellId };
}

/**
 * A small district for the /tongket service tests: several cells with varied data (members who
 * joined, left or are exempt; held, cancelled and committee meetings; every attendance status; dues
 * paid, partly paid, declared only or not computable; tasks in every state; commitments, a
 * self-criticism season, named and anonymous feedback), two of them in other time zones, one with
 * the two-thirds quorum, and one cell with nothing at all. Deterministic: the same rows every run.
 */
import { zonedInstant } from '../domain/meetings-time.js';
import type { CellRow } from '../store/repos/cells.js';
import type { Caller } from './context.js';
import { addCell, type TestWorld } from './testing.js';

export interface DistrictFixture {
  cells: CellRow[];
  secretaries: Caller[];
}

/** A small deterministic generator, so every run seeds the same district. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const secretaryNames = ['Trần Văn Sáu', 'Lê Thị Bảy', 'Phạm Văn Tám', 'Hoàng Thị Chín', 'Vũ Văn Mười', 'Đỗ Thị Năm'];

const pad = (n: number): string => String(n).padStart(2, '0');

/** Cells of `seedDistrict`: name, time zone, and whether it has any data. */
const layout = [
  { name: 'Chi bộ Khu phố 1', timezone: 'Asia/Ho_Chi_Minh', data: true },
  { name: 'Chi bộ Khu phố 2', timezone: 'Asia/Tokyo', data: true },
  { name: 'Chi bộ Khu phố 4', timezone: 'Asia/Ho_Chi_Minh', data: true },
  { name: 'Chi bộ Khu phố 5', timezone: 'Asia/Ho_Chi_Minh', data: false },
  { name: 'Chi bộ Khu phố 6', timezone: 'Asia/Bangkok', data: true },
  { name: 'Chi bộ Khu phố 8', timezone: 'Asia/Ho_Chi_Minh', data: true },
] as const;

export function seedDistrict(w: TestWorld): DistrictFixture {
  const db = w.store.sqlite;
  const rnd = random(7);
  const now = w.clock.now();
  const cellIds: number[] = [];
  const secretaries: Caller[] = [];
  const insPerson = db.prepare('INSERT INTO persons (created_at) VALUES (?)');
  const insMember = db.prepare('INSERT INTO members (cell_id, person_id, full_name, role, status, membership, joined_on, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insExemption = db.prepare("INSERT INTO exemptions (cell_id, member_id, kind, from_date, to_date, created_at) VALUES (?, ?, 'temporary', ?, ?, ?)");
  const insMeeting = db.prepare('INSERT INTO meetings (cell_id, kind, with_thematic, starts_at, duration_minutes, status, check_in_secret, created_at, updated_at) VALUES (?, ?, ?, ?, 120, ?, ?, ?, ?)');
  const insAttendee = db.prepare('INSERT INTO meeting_attendees (meeting_id, member_id, person_id, expected, exempt, membership, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insCharge = db.prepare("INSERT INTO dues_charges (cell_id, member_id, month, category, due, rules_id, created_at, updated_at) VALUES (?, ?, ?, 'insured', ?, 'test', ?, ?)");
  const insPayment = db.prepare("INSERT INTO dues_payments (cell_id, member_id, month, amount, method, status, timing, declared_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'cash', ?, 'on_time', ?, ?, ?)");
  const insTask = db.prepare('INSERT INTO assignments (cell_id, member_id, assigned_by, title, criterion, deadline, status, done_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insPledge = db.prepare('INSERT INTO pledges (cell_id, member_id, year, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insSeason = db.prepare("INSERT INTO review_seasons (cell_id, kind, label, deadline, status, opened_by, created_at) VALUES (?, 'year', ?, ?, 'closed', ?, ?)");
  const insReview = db.prepare("INSERT INTO self_reviews (cell_id, season_id, member_id, form, status, key_id, content, created_at, updated_at) VALUES (?, ?, ?, '2A', ?, 'k', 'x', ?, ?)");
  const insOpen = db.prepare("INSERT INTO feedback_open (cell_id, member_id, topic, text, created_at) VALUES (?, ?, 'committee', 'x', ?)");
  const insAnonymous = db.prepare("INSERT INTO feedback (id, cell_id, topic, text, created_on, ticket_hash) VALUES (?, ?, 'committee', 'x', ?, ?)");
  let ticket = 0;

  for (const [c, spec] of layout.entries()) {
    const created = addCell(w, spec.name, { channel: 'telegram', externalId: String(500 + c), fullName: secretaryNames[c] ?? 'Nguyễn Thị Mai' });
    db.prepare('UPDATE cells SET timezone = ? WHERE id = ?').run(spec.timezone, created.cell.id);
    if (c === 2) w.services.settings.set(created.secretary.caller, created.cell.id, 'meetings', 'quorum', 'twoThirds');
    secretaries.push(created.secretary.caller);
    const cellId = created.cell.id;
    cellIds.push(cellId);
    if (!spec.data) continue;
    const tz = spec.timezone;
    const secretary = created.secretaryMember.id;
    // The secretary joined long ago, so she counts in every period.
    db.prepare("UPDATE members SET joined_on = '2020-01-01' WHERE id = ?").run(secretary);

    const members: { id: number; person: number; membership: 'full' | 'probationary'; joinedOn: string; leftOn: string | null; exempt: boolean }[] = [
      { id: secretary, person: created.secretary.personId, membership: 'full', joinedOn: '2020-01-01', leftOn: null, exempt: false },
    ];
    const names = ['Nguyễn Văn An', 'Lê Thị Bích', 'Phạm Văn Cường', 'Hoàng Văn Dũng', 'Vũ Thị Em', 'Đặng Văn Phúc', 'Bùi Thị Giang', 'Đỗ Văn Hải', 'Ngô Thị Hoa', 'Lý Văn Khoa', 'Trần Thị Lan'];
    for (const [i, name] of names.entries()) {
      const person = Number(insPerson.run(now).lastInsertRowid);
      const membership = i % 5 === 2 ? 'probationary' : 'full';
      const joinedOn = i === 2 ? '2025-02-15' : i === 7 ? '2025-08-01' : '2019-06-01';
      const leftOn = i === 3 ? '2025-02-20' : i === 8 ? '2025-10-31' : null;
      const status = i === 10 ? 'pending' : leftOn ? 'left' : 'active';
      const id = Number(insMember.run(cellId, person, name, 'member', status, membership, status === 'pending' ? null : joinedOn, leftOn, now, now).lastInsertRowid);
      const exempt = i === 4 || i === 9;
      if (i === 4) insExemption.run(cellId, id, '2025-01-01', null, now);
      if (i === 9) insExemption.run(cellId, id, '2025-04-01', '2025-06-30', now);
      if (status !== 'pending') members.push({ id, person, membership, joinedOn, leftOn, exempt });
    }

    for (const year of [2024, 2025, 2026]) {
      for (let month = 1; month <= 12; month++) {
        const mm = `${year}-${pad(month)}`;
        if (`${mm}-01` > '2026-03-31') break;
        const skipRegular = (c + month) % 7 === 0;
        const meetings: { kind: string; withThematic: boolean; status: string; day: string; time: string }[] = [];
        if (!skipRegular) meetings.push({ kind: 'regular', withThematic: month % 3 === 1 && c % 2 === 0, status: 'closed', day: '10', time: '14:00' });
        if (month % 3 === 2 && c % 2 === 1) meetings.push({ kind: 'thematic', withThematic: false, status: 'closed', day: '20', time: '19:00' });
        if (month === 4) meetings.push({ kind: 'committee', withThematic: false, status: 'closed', day: '04', time: '08:00' });
        if (month === 5) meetings.push({ kind: 'regular', withThematic: false, status: 'cancelled', day: '22', time: '14:00' });
        // Late at night (Hà Nội time) on a quarter's last day: in Tokyo it is already the next quarter.
        if (month === 6) meetings.push({ kind: 'extraordinary', withThematic: false, status: 'closed', day: '30', time: '23:30' });
        if (month === 12) meetings.push({ kind: 'extraordinary', withThematic: false, status: 'closed', day: '31', time: '23:30' });
        for (const m of meetings) {
          const startsAt = zonedInstant(`${mm}-${m.day}`, m.time, 'Asia/Ho_Chi_Minh');
          const meetingId = Number(insMeeting.run(cellId, m.kind, m.withThematic ? 1 : 0, startsAt, m.status, `s-${cellId}-${mm}-${m.day}`, now, now).lastInsertRowid);
          for (const a of members) {
            const date = `${mm}-${m.day}`;
            if (a.joinedOn > date || (a.leftOn !== null && a.leftOn < date)) continue;
            if (m.kind === 'committee' && a.id !== secretary) continue;
            const r = rnd();
            const expected = !(a.exempt && r < 0.7);
            const status = m.status === 'cancelled' ? null : !expected ? 'exempt' : r < 0.7 ? 'present' : r < 0.75 ? 'late' : r < 0.82 ? 'excused' : r < 0.86 ? 'absent' : r < 0.97 ? 'unexcused' : null;
            insAttendee.run(meetingId, a.id, a.person, expected ? 1 : 0, a.exempt ? 1 : 0, a.membership, status, now, now);
          }
        }
        for (const a of members) {
          if (a.joinedOn.slice(0, 7) > mm || (a.leftOn !== null && a.leftOn.slice(0, 7) < mm)) continue;
          const r = rnd();
          const due = r < 0.04 ? null : r < 0.07 ? 0 : a.membership === 'probationary' ? 20_000 : 50_000;
          insCharge.run(cellId, a.id, mm, due, now, now);
          if (due === null || due === 0) continue;
          const p = rnd();
          if (p < 0.75) insPayment.run(cellId, a.id, mm, due, 'confirmed', now, now, now);
          else if (p < 0.82) insPayment.run(cellId, a.id, mm, due / 2, 'confirmed', now, now, now);
          else if (p < 0.88) insPayment.run(cellId, a.id, mm, due, 'declared', now, now, now);
          else if (p < 0.92) {
            insPayment.run(cellId, a.id, mm, due / 2, 'confirmed', now, now, now);
            insPayment.run(cellId, a.id, mm, due / 2, 'confirmed', now, now, now);
          }
        }
      }
      for (const a of members) {
        if (a.joinedOn > `${year}-12-31`) continue;
        const r = rnd();
        if (r < 0.8) insPledge.run(cellId, a.id, year, r < 0.65 ? 'submitted' : 'draft', now, now);
        for (const k of [0, 1, 2]) {
          const deadline = `${year}-${pad(2 + k * 4)}-${pad(10 + k * 7)}`;
          const s = rnd();
          const status = s < 0.4 ? 'confirmed' : s < 0.55 ? 'done' : s < 0.65 ? 'accepted' : s < 0.75 ? 'blocked' : s < 0.85 ? 'open' : 'cancelled';
          const doneOn = status === 'confirmed' || status === 'done' ? (s < 0.3 ? deadline : `${year}-${pad(3 + k * 4)}-01`) : null;
          insTask.run(cellId, a.id, secretary, `Việc ${k + 1} năm ${year}`, 1 + ((a.id + k) % 4), deadline, status, doneOn, now, now);
        }
      }
      const season = Number(insSeason.run(cellId, `Năm ${year}`, `${year}-12-15`, secretary, now).lastInsertRowid);
      for (const a of members) {
        const r = rnd();
        if (r < 0.85) insReview.run(cellId, season, a.id, r < 0.7 ? 'submitted' : 'draft', now, now);
      }
    }
    // Named feedback late on a quarter's last day, Hà Nội time: the next quarter in Tokyo.
    for (const day of ['2024-12-31', '2025-06-30']) insOpen.run(cellId, secretary, zonedInstant(day, '23:30', 'Asia/Ho_Chi_Minh'));
    for (let k = 0; k < 14; k++) {
      const a = members[Math.floor(rnd() * members.length)] as { id: number };
      const day = `${2024 + Math.floor(k / 6)}-${pad(1 + ((k * 5) % 12))}-${pad(1 + ((k * 11) % 28))}`;
      insOpen.run(cellId, a.id, zonedInstant(day, k % 3 === 0 ? '23:30' : '10:00', tz));
      insAnonymous.run(10_000 + ticket, cellId, day, `district-${ticket}`);
      ticket += 1;
    }
  }
  return { cells: cellIds.map((id) => w.repos.cells.get(id) as CellRow), secretaries };
}

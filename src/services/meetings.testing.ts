/**
 * Fixtures for the meeting services: the real services over a real SQLite file (see testing.ts),
 * built the way modules.ts builds them, plus helpers to read the outbox.
 */
import { pino } from 'pino';
import type { Store } from '../store/db.js';
import { MeetingRepo } from '../store/repos/meetings.js';
import type { OutboxRow } from '../store/repos/outbox.js';
import { AttendanceService } from './meetings-attendance.js';
import { MeetingJobs } from './meetings-jobs.js';
import type { MeetingDraft } from './meetings.js';
import { MeetingService } from './meetings.js';
import type { TestWorld } from './testing.js';

export interface MeetingKit {
  repo: MeetingRepo;
  meetings: MeetingService;
  attendance: AttendanceService;
  jobs: MeetingJobs;
}

export function meetingKit(w: TestWorld): MeetingKit {
  const repo = new MeetingRepo(w.store.db);
  const m = { deps: { store: w.store, repos: w.repos, clock: w.clock, translator: w.translator, settings: { defaultTimezone: 'Asia/Ho_Chi_Minh', defaultLocale: 'vi' as const, inviteTtlDays: 7 } }, access: w.services.access, notifier: w.services.notifier, settings: w.services.settings, repo };
  const meetings = new MeetingService(m);
  const attendance = new AttendanceService(m);
  return { repo, meetings, attendance, jobs: new MeetingJobs(m, meetings, attendance, pino({ level: 'silent' })) };
}

export function draft(over: Partial<MeetingDraft> = {}): MeetingDraft {
  return { kind: 'regular', withThematic: false, date: '2026-03-15', time: '14:00', durationMinutes: 90, place: 'Hội trường khu phố', onlineLink: null, agenda: 'Kiểm điểm nhiệm vụ tháng 3', ...over };
}

export function outbox(store: Store): OutboxRow[] {
  return (store.sqlite.prepare('SELECT * FROM outbox ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
    id: r.id,
    cellId: r.cell_id,
    personId: r.person_id,
    channel: r.channel,
    chatId: r.chat_id,
    payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
    idempotencyKey: r.idempotency_key,
    essential: r.essential === 1,
    status: r.status,
    attempts: r.attempts,
    partsSent: r.parts_sent,
    replaceRef: r.replace_ref,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    sentRef: r.sent_ref,
    sentAt: r.sent_at,
    createdAt: r.created_at,
  })) as OutboxRow[];
}

/** Outbox rows whose key matches, e.g. /:rem:/. */
export const keyed = (store: Store, re: RegExp): OutboxRow[] => outbox(store).filter((r) => re.test(r.idempotencyKey));

/** Marks every pending row sent (as a sender would), with a message id for cards. */
export function markAllSent(store: Store, at: number): void {
  store.sqlite.prepare("UPDATE outbox SET status = 'sent', sent_at = ?, sent_ref = CAST(id AS TEXT) WHERE status = 'pending'").run(at);
}

/** Everything a refused action must leave as it was. */
export function meetingSnapshot(store: Store): Record<string, unknown[]> {
  const all = (t: string) => store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
  return { meetings: all('meetings'), attendees: all('meeting_attendees'), rules: all('meeting_rules'), outbox: all('outbox'), audit: all('audit_log'), members: all('members') };
}

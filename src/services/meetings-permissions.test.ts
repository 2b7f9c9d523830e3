import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';

import type { Caller } from './context.js';
import { draft, meetingKit, meetingSnapshot, type MeetingKit } from './meetings.testing.js';
import { actorKinds, cloneWorld, MINUTE, openWorld, seedCell, standingInCell, T0, type CellFixture, type TestWorld, expectedOutcome } from './testing.js';

/** Every privileged meeting action, for every kind of actor: allowed exactly as the table says; a refusal changes nothing. */


const expected = expectedOutcome;

interface Ids {
  future: number;
  open: number;
  reasonRow: number;
  ruleId: number;
}

interface Case {
  name: string;
  rule: PrivilegedAction;
  run: (k: MeetingKit, f: CellFixture, c: Caller, ids: Ids) => unknown;
}

const cases: Case[] = [
  { name: 'preview', rule: 'meeting.manage', run: (k, f, c) => k.meetings.preview(c, f.cell.id, draft()) },
  { name: 'create', rule: 'meeting.manage', run: (k, f, c) => k.meetings.create(c, f.cell.id, draft({ date: '2026-03-20' })) },
  { name: 'reschedule', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.reschedule(c, ids.future, '2026-03-16', '19:30') },
  { name: 'editDetails', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.editDetails(c, ids.future, { place: 'Nhà văn hóa' }) },
  { name: 'addMaterial', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.addMaterial(c, ids.future, 'Dự thảo nghị quyết', 'https://example.vn/nq') },
  { name: 'cancel', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.cancel(c, ids.future) },
  { name: 'markSuperiorNotified', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.markSuperiorNotified(c, ids.future) },
  { name: 'stopRule', rule: 'meeting.manage', run: (k, _f, c, ids) => k.meetings.stopRule(c, ids.ruleId) },
  { name: 'upcoming', rule: 'meeting.view', run: (k, f, c) => k.meetings.upcoming(c, f.cell.id) },
  { name: 'view', rule: 'meeting.view', run: (k, _f, c, ids) => k.meetings.view(c, ids.future) },
  { name: 'rsvp', rule: 'meeting.view', run: (k, _f, c, ids) => k.meetings.rsvp(c, ids.future, 'attend') },
  { name: 'giveReason', rule: 'meeting.view', run: (k, _f, c, ids) => k.meetings.giveReason(c, ids.future, 'Đi công tác') },
  { name: 'checkInButton', rule: 'meeting.view', run: (k, _f, c, ids) => k.attendance.checkInButton(c, ids.open) },
  { name: 'code', rule: 'meeting.attendance', run: (k, _f, c, ids) => k.attendance.code(c, ids.open) },
  { name: 'roster', rule: 'meeting.attendance', run: (k, _f, c, ids) => k.attendance.roster(c, ids.open) },
  { name: 'mark', rule: 'meeting.attendance', run: (k, f, c, ids) => k.attendance.mark(c, ids.open, f.targetMember.id, 'present') },
  { name: 'close', rule: 'meeting.attendance', run: (k, _f, c, ids) => k.attendance.close(c, ids.open) },
  { name: 'report', rule: 'meeting.attendance', run: (k, _f, c, ids) => k.attendance.report(c, ids.open) },
  { name: 'recent', rule: 'meeting.attendance', run: (k, f, c) => k.meetings.recent(c, f.cell.id) },
  { name: 'decide', rule: 'meeting.excuse', run: (k, _f, c, ids) => k.attendance.decide(c, ids.reasonRow, true) },
];

let template: TestWorld;
let f: CellFixture;
let ids: Ids;
let w: TestWorld;
let k: MeetingKit;

beforeAll(async () => {
  template = openWorld();
  f = seedCell(template);
  const t = meetingKit(template);
  const sec = f.actors.secretary.caller;
  const future = (await t.meetings.create(sec, f.cell.id, draft(), 'dayOfMonth')).meeting;
  // A meeting starting in 20 minutes: check-in is open now.
  const open = (await t.meetings.create(sec, f.cell.id, draft({ kind: 'extraordinary', date: '2026-03-10', time: '10:20' }))).meeting;
  const memberRow = t.meetings.giveReason(f.actors.member.caller, future.id, 'Ốm, đang điều trị');
  ids = { future: future.id, open: open.id, reasonRow: memberRow.id, ruleId: future.ruleId as number };
  expect(template.clock.now()).toBe(T0);
  expect(open.startsAt - T0).toBe(20 * MINUTE);
});

afterAll(() => template.close());

beforeEach(() => {
  w = cloneWorld(template);
  k = meetingKit(w);
});

afterEach(() => w.close());

describe.each(cases)('$name (rule $rule)', (action) => {
  const rows = actorKinds.map((kind) => {
    const outcome = expected(action.rule, standingInCell[kind]);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', async ({ kind, outcome }) => {
    const caller = f.actors[kind].caller;
    const before = meetingSnapshot(w.store);
    let thrown: unknown = null;
    try {
      await action.run(k, f, caller, ids);
    } catch (err) {
      thrown = err;
    }
    if (outcome.allowed) {
      expect(thrown).toBeNull();
      return;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(outcome.code);
    expect(meetingSnapshot(w.store)).toEqual(before);
  });
});

describe('committee meetings', () => {
  it('are invisible to ordinary members and invite only the committee and leaders', async () => {
    const { meeting, invited } = await k.meetings.create(f.actors.secretary.caller, f.cell.id, draft({ kind: 'committee', date: '2026-03-12' }));
    expect(invited).toBe(3); // secretary, deputy, committee member
    const invitedPeople = k.repo.attendees(meeting.id).filter((r) => r.invited).map((r) => r.personId).sort();
    expect(invitedPeople).toEqual([f.actors.secretary.personId, f.actors.deputy.personId, f.actors.committee.personId].sort());
    expect(() => k.meetings.view(f.actors.member.caller, meeting.id)).toThrow(DomainError);
    expect(() => k.meetings.rsvp(f.actors.member.caller, meeting.id, 'attend')).toThrow(DomainError);
    expect(k.meetings.upcoming(f.actors.member.caller, f.cell.id).map((x) => x.meeting.id)).not.toContain(meeting.id);
    expect(k.meetings.upcoming(f.actors.committee.caller, f.cell.id).map((x) => x.meeting.id)).toContain(meeting.id);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';

import type { Caller } from './context.js';
import { featureSnapshot, feedbackWorld, rawBytes, tableRows, type FeedbackWorld } from './feedback.testing.js';
import { actorKinds, addMember, addPerson, cloneWorld, DAY, errorCode, openWorld, seedCell, standingInCell, T0, type ActorKind, type CellFixture, type TestWorld, expectedOutcome } from './testing.js';


const expected = expectedOutcome;

const HOUR = 3_600_000;
/** 18:00 in Hà Nội on the fixtures' day: the default digest hour. */
const DIGEST = T0 + 8 * HOUR;
const GOOD = 'Đề nghị chi ủy gửi tài liệu họp trước hai ngày để mọi người kịp đọc.';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;
let fw: FeedbackWorld;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
  fw = feedbackWorld(w);
});
afterEach(() => w.close());

const caller = (k: ActorKind): Caller => f.actors[k].caller;

/** A delivered anonymous item (written by the plain member), for the answering cases. */
function deliveredItem(): number {
  fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: GOOD });
  fw.feedback.runDigests(DIGEST, false);
  const row = tableRows(w.store, 'feedback')[0];
  return Number(row?.id);
}

function openDraft(): number {
  return fw.feedback.openDraftForComments(caller('secretary'), f.cell.id, { title: 'Dự thảo Nghị quyết tháng 3', body: 'Nội dung dự thảo.', deadline: T0 + 3 * DAY }).id;
}

interface Case {
  name: string;
  rule: PrivilegedAction;
  setup?: () => number;
  run: (c: Caller, ref: number) => unknown;
}

const cases: Case[] = [
  { name: 'start', rule: 'feedback.send', run: (c) => fw.feedback.start(c, f.cell.id) },
  { name: 'submitAnonymous', rule: 'feedback.send', run: (c) => fw.feedback.submitAnonymous(c, f.cell.id, { topic: 'committee', draftId: null, text: GOOD }) },
  { name: 'submitAnonymous on a draft', rule: 'feedback.send', setup: openDraft, run: (c, d) => fw.feedback.submitAnonymous(c, f.cell.id, { topic: 'draft', draftId: d, text: GOOD }) },
  { name: 'submitOpen (named message)', rule: 'feedback.send', run: (c) => fw.feedback.submitOpen(c, f.cell.id, { topic: 'committee', draftId: null, text: GOOD }) },
  { name: 'submitOpen on a draft', rule: 'feedback.send', setup: openDraft, run: (c, d) => fw.feedback.submitOpen(c, f.cell.id, { topic: 'draft', draftId: d, text: GOOD }) },
  { name: 'drafts', rule: 'feedback.send', run: (c) => fw.feedback.drafts(c, f.cell.id) },
  { name: 'draft', rule: 'feedback.send', setup: openDraft, run: (c, d) => fw.feedback.draft(c, d) },
  { name: 'delivered', rule: 'feedback.answer', setup: deliveredItem, run: (c) => fw.feedback.delivered(c, f.cell.id) },
  { name: 'forAnswer', rule: 'feedback.answer', setup: deliveredItem, run: (c, id) => fw.feedback.forAnswer(c, id) },
  { name: 'answer', rule: 'feedback.answer', setup: deliveredItem, run: (c, id) => fw.feedback.answer(c, id, 'Chi ủy tiếp thu, từ tháng sau gửi tài liệu trước ba ngày.') },
  { name: 'openDraftForComments', rule: 'feedback.draft', run: (c) => fw.feedback.openDraftForComments(c, f.cell.id, { title: 'Dự thảo Kế hoạch năm', body: 'https://vb.example.vn/ke-hoach', deadline: T0 + 5 * DAY }) },
  { name: 'closeDraftNow', rule: 'feedback.draft', setup: openDraft, run: (c, d) => fw.feedback.closeDraftNow(c, d) },
];

describe.each(cases)('$name (rule $rule), every role', (action) => {
  it.each(actorKinds.map((kind) => ({ kind, outcome: expected(action.rule, standingInCell[kind]) })))('$kind', ({ kind, outcome }) => {
    const ref = action.setup?.() ?? 0;
    const before = featureSnapshot(w.store);
    let thrown: unknown = null;
    try {
      action.run(caller(kind), ref);
    } catch (err) {
      thrown = err;
    }
    if (outcome.allowed) {
      expect(thrown).toBeNull();
      return;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(outcome.code);
    expect(featureSnapshot(w.store)).toEqual(before);
  });
});

describe('anonymous feedback is stored without its sender', () => {
  it('keeps only cell, topic, text, day and a keyed ticket hash: no member, account, chat or time', () => {
    const { ticket } = fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    const rows = tableRows(w.store, 'feedback');
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(['answer', 'answered_by', 'answered_on', 'cell_id', 'created_on', 'delivered_on', 'draft_id', 'id', 'text', 'ticket_hash', 'topic']);
    expect(row).toMatchObject({ cell_id: f.cell.id, topic: 'committee', text: GOOD, created_on: '2026-03-10', delivered_on: null, answered_by: null });
    // The ticket is neither stored nor its plain hash: only an HMAC under the secret.
    expect(JSON.stringify(row)).not.toContain(ticket);
    expect(row.ticket_hash).not.toBe(createHash('sha256').update(ticket).digest('hex'));
    expect(row.ticket_hash).toBe(fw.secrets.ticketHash(ticket));
    // A random id: not 1, 2, 3… in the order of writing.
    expect(Number(row.id)).toBeGreaterThan(1000);
    const member = f.members.member;
    const person = f.actors.member;
    const values = Object.values(row).map(String);
    for (const v of [String(member?.id), String(person.personId), person.account.externalId]) {
      if (v !== String(f.cell.id)) expect(values.filter((x) => x === v && x !== String(row.cell_id))).toEqual([]);
    }
    // Nothing else was written about it: no audit, no outbox row, no named comment.
    expect(tableRows(w.store, 'audit_log').filter((a) => String(a.action).startsWith('feedback'))).toEqual([]);
    expect(tableRows(w.store, 'outbox')).toEqual([]);
    expect(tableRows(w.store, 'feedback_open')).toEqual([]);
  });

  it('the abuse counter holds a keyed hash and a count, not the person', () => {
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    const limits = tableRows(w.store, 'feedback_limits');
    expect(limits).toEqual([{ bucket: fw.secrets.limitBucket('2026-03-10', f.cell.id, f.actors.member.personId), day: '2026-03-10', count: 1 }]);
    // Without the secret the bucket cannot be recomputed from the ids.
    const naive = createHash('sha256').update(`${f.cell.id}:${f.actors.member.personId}`).digest('hex').slice(0, 32);
    expect(limits[0]?.bucket).not.toBe(naive);
  });

  it('never writes the text in a file page next to the writer’s ids', () => {
    const text = 'Góp ý riêng biệt XYZZY để tìm trong tệp cơ sở dữ liệu.';
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text });
    fw.feedbackRepo.flushLog();
    const bytes = rawBytes(w.dbPath);
    const at = bytes.indexOf(Buffer.from('XYZZY'));
    expect(at).toBeGreaterThan(0);
    const page = bytes.subarray(at - (at % 4096), at - (at % 4096) + 4096).toString('latin1');
    expect(page).not.toContain(Buffer.from('Phạm Thị Dung').toString('latin1'));
  });
});

describe('what may not be sent anonymously', () => {
  it('refuses a plain accusation, even through a forged button', () => {
    const before = featureSnapshot(w.store);
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: 'Đồng chí Cường nhận hối lộ của nhà thầu.' }))).toBe('FEEDBACK.ACCUSATION');
    expect(featureSnapshot(w.store)).toEqual(before);
  });

  it('sends it openly under the name instead, to the committee', () => {
    const row = fw.feedback.submitOpen(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: 'Đồng chí Cường nhận hối lộ của nhà thầu.' });
    expect(row.memberId).toBe(f.members.member?.id);
    const to = tableRows(w.store, 'outbox').map((o) => o.person_id);
    expect(to.sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId, f.actors.committee.personId].sort());
    expect(String(tableRows(w.store, 'outbox')[0]?.payload)).toContain('Phạm Thị Dung');
  });

  it.each([
    ['', 'FEEDBACK.EMPTY'],
    ['ok', 'FEEDBACK.EMPTY'],
    ['x'.repeat(3001), 'FEEDBACK.TOO_LONG'],
  ])('refuses %j with %s and stores nothing', (text, code) => {
    const before = featureSnapshot(w.store);
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text }))).toBe(code);
    expect(featureSnapshot(w.store)).toEqual(before);
  });
});

describe('the abuse limit', () => {
  it('takes five a day per member, refuses the sixth without a trace, and resets the next day', () => {
    for (let i = 0; i < 5; i++) fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: `${GOOD} (${i})` });
    const before = featureSnapshot(w.store);
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD }))).toBe('FEEDBACK.LIMIT');
    expect(featureSnapshot(w.store)).toEqual(before);
    // Another member is not affected.
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('deputy'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD }))).toBe('none');
    // Anonymous draft comments count too.
    const draftId = openDraft();
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'draft', draftId, text: GOOD }))).toBe('FEEDBACK.LIMIT');
    w.clock.advance(DAY);
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD }))).toBe('none');
    // Yesterday's counters go at the next housekeeping.
    fw.feedback.housekeeping(w.clock.now());
    expect(tableRows(w.store, 'feedback_limits').every((l) => l.day === '2026-03-11')).toBe(true);
  });

  it('follows the cell setting', () => {
    w.services.settings.set(caller('secretary'), f.cell.id, 'feedback', 'dailyLimit', 2);
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD }))).toBe('FEEDBACK.LIMIT');
  });
});

describe('the daily digest', () => {
  it('waits for the digest hour, then sends all items once, in random order, to the committee only', () => {
    const reversed = feedbackWorld(w, { random: { rowId: (() => { let n = 5000; return () => n--; })(), below: () => 0, ticket: (() => { let n = 0; return () => `ABCDEFGH${'JKLMN'[n++ % 5] ?? 'J'}K`; })() } });
    for (const [i, k] of (['member', 'deputy', 'committee'] as const).entries()) reversed.feedback.submitAnonymous(caller(k), f.cell.id, { topic: 'committee', draftId: null, text: `Góp ý số ${i + 1} về lịch họp.` });
    expect(reversed.feedback.runDigests(DIGEST - HOUR, false)).toBe(0);
    expect(tableRows(w.store, 'outbox')).toEqual([]);
    expect(reversed.feedback.runDigests(DIGEST, false)).toBe(3);
    const out = tableRows(w.store, 'outbox');
    expect(out.map((o) => o.person_id).sort()).toEqual([f.actors.secretary.personId, f.actors.deputy.personId, f.actors.committee.personId].sort());
    const text = String(JSON.parse(String(out[0]?.payload)).text);
    expect(text).toContain('Góp ý số 1');
    expect(text).toContain('Góp ý số 3');
    // Not in the order written.
    expect(text.indexOf('số 1')).toBeGreaterThan(text.indexOf('số 2'));
    expect(tableRows(w.store, 'feedback').every((r) => r.delivered_on === '2026-03-10')).toBe(true);
    // Once a day.
    expect(reversed.feedback.runDigests(DIGEST + HOUR, false)).toBe(0);
    // Written after the digest: in tomorrow's.
    w.clock.set(DIGEST + 2 * HOUR);
    reversed.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: GOOD });
    expect(reversed.feedback.runDigests(DIGEST + 3 * HOUR, false)).toBe(0);
    expect(reversed.feedback.runDigests(DIGEST + DAY, false)).toBe(1);
  });

  it('a dry run sends and marks nothing', () => {
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    const before = featureSnapshot(w.store);
    expect(fw.feedback.runDigests(DIGEST, true)).toBe(1);
    expect(featureSnapshot(w.store)).toEqual(before);
  });

  it('items not yet delivered do not exist for the committee', () => {
    fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'committee', draftId: null, text: GOOD });
    const id = Number(tableRows(w.store, 'feedback')[0]?.id);
    expect(errorCode(() => fw.feedback.forAnswer(caller('secretary'), id))).toBe('FEEDBACK.NOT_FOUND');
    expect(fw.feedback.delivered(caller('secretary'), f.cell.id)).toEqual([]);
  });
});

describe('answers and tickets', () => {
  it('posts the answer to the whole cell with the question quoted, once; the author reads it by ticket', () => {
    w.services.cells.linkGroup(caller('secretary'), f.cell.id, '-100777');
    const { ticket } = fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: GOOD });
    expect(fw.feedback.byTicket(caller('member'), ticket).item.answer).toBeNull();
    fw.feedback.runDigests(DIGEST, false);
    const id = Number(tableRows(w.store, 'feedback')[0]?.id);
    const before = tableRows(w.store, 'outbox').length;
    fw.feedback.answer(caller('committee'), id, 'Chi ủy tiếp thu góp ý.');
    const posts = tableRows(w.store, 'outbox').slice(before);
    expect(posts.some((p) => p.chat_id === '-100777')).toBe(true);
    // Members whose channel has no group (Zalo) get it privately.
    expect(posts.some((p) => p.person_id === f.actors.committee.personId)).toBe(true);
    for (const p of posts) {
      const text = String(JSON.parse(String(p.payload)).text);
      expect(text).toContain(GOOD);
      expect(text).toContain('Chi ủy tiếp thu góp ý.');
    }
    expect(errorCode(() => fw.feedback.answer(caller('secretary'), id, 'Lần nữa.'))).toBe('FEEDBACK.ALREADY_ANSWERED');
    const seen = fw.feedback.byTicket(caller('member'), ticket.toLowerCase().replace(/(.{5})/, '$1-'));
    expect(seen.item.answer).toBe('Chi ủy tiếp thu góp ý.');
  });

  it('sends the answer privately to everyone when the cell chose so', () => {
    w.services.cells.linkGroup(caller('secretary'), f.cell.id, '-100777');
    w.services.settings.set(caller('secretary'), f.cell.id, 'feedback', 'answerTo', 'everyone');
    const id = deliveredItem();
    const before = tableRows(w.store, 'outbox').length;
    fw.feedback.answer(caller('secretary'), id, 'Đã tiếp thu.');
    const people = tableRows(w.store, 'outbox').slice(before).map((p) => p.person_id).filter((p) => p !== null);
    expect(people).toContain(f.actors.member.personId);
    expect(people).toContain(f.actors.secretary.personId);
  });

  it('a ticket works only for members of its cell, and a wrong code says nothing', () => {
    const { ticket } = fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'concern', draftId: null, text: GOOD });
    expect(fw.feedback.byTicket(caller('deputy'), ticket).item.text).toBe(GOOD);
    for (const k of ['otherSecretary', 'outsider', 'admin', 'left', 'pending'] as const) expect(errorCode(() => fw.feedback.byTicket(caller(k), ticket))).toBe('FEEDBACK.TICKET_INVALID');
    expect(errorCode(() => fw.feedback.byTicket(caller('member'), 'ABCDE-FGHJL'))).toBe('FEEDBACK.TICKET_INVALID');
    expect(errorCode(() => fw.feedback.byTicket(caller('member'), 'short'))).toBe('FEEDBACK.TICKET_INVALID');
  });
});

describe('drafts opened for comments', () => {
  it('announces, takes named and anonymous comments, and at the deadline gives the secretary all of them', () => {
    const draftId = openDraft();
    expect(tableRows(w.store, 'outbox').some((o) => String(o.idempotency_key).startsWith(`fbdraft:${draftId}:open`))).toBe(true);
    fw.feedback.submitOpen(caller('member'), f.cell.id, { topic: 'draft', draftId, text: 'Đề nghị bổ sung chỉ tiêu kết nạp đảng viên.' });
    fw.feedback.submitAnonymous(caller('deputy'), f.cell.id, { topic: 'draft', draftId, text: 'Nên giảm bớt số cuộc họp.' });
    fw.feedback.submitAnonymous(caller('committee'), f.cell.id, { topic: 'draft', draftId, text: 'Cần nêu rõ người phụ trách từng việc.' });
    // Draft comments are not in the daily digest: they go out at the deadline.
    expect(fw.feedback.runDigests(DIGEST, false)).toBe(0);
    expect(fw.feedback.closeDueDrafts(T0 + DAY, false)).toBe(0);
    expect(fw.feedback.closeDueDrafts(T0 + 3 * DAY, false)).toBe(1);
    expect(fw.feedback.closeDueDrafts(T0 + 3 * DAY, false)).toBe(0);
    const result = tableRows(w.store, 'outbox').filter((o) => String(o.idempotency_key).startsWith(`fbdraft:${draftId}:result`));
    expect(result.map((o) => o.person_id)).toEqual([f.actors.secretary.personId]);
    const text = String(JSON.parse(String(result[0]?.payload)).text);
    expect(text).toContain('Phạm Thị Dung: Đề nghị bổ sung chỉ tiêu');
    expect(text).toContain('Nên giảm bớt số cuộc họp.');
    expect(text).toContain('Cần nêu rõ người phụ trách');
    expect(text).not.toContain('Trần Thị Bình');
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('member'), f.cell.id, { topic: 'draft', draftId, text: GOOD }))).toBe('FEEDBACK.DRAFT_CLOSED');
    // Participation for /tongket: names for open comments, a number for anonymous ones.
    const p = fw.feedback.participation(f.cell.id, '2026-01-01', '2026-12-31');
    expect(p.drafts).toEqual([{ draftId, title: 'Dự thảo Nghị quyết tháng 3', openMemberIds: [f.members.member?.id], anonymousCount: 2, openNames: ['Phạm Thị Dung'] }]);
  });

  it('the secretary can close early; the deadline must be sane; a draft of another cell is not found', () => {
    const draftId = openDraft();
    fw.feedback.closeDraftNow(caller('secretary'), draftId);
    expect(errorCode(() => fw.feedback.closeDraftNow(caller('secretary'), draftId))).toBe('FEEDBACK.DRAFT_CLOSED');
    expect(errorCode(() => fw.feedback.openDraftForComments(caller('secretary'), f.cell.id, { title: 'Dự thảo', body: 'Nội dung.', deadline: T0 - 1 }))).toBe('FEEDBACK.DEADLINE_INVALID');
    expect(errorCode(() => fw.feedback.openDraftForComments(caller('secretary'), f.cell.id, { title: 'Dự thảo', body: 'Nội dung.', deadline: T0 + 91 * DAY }))).toBe('FEEDBACK.DEADLINE_INVALID');
    expect(errorCode(() => fw.feedback.submitAnonymous(caller('otherSecretary'), f.otherCell.id, { topic: 'draft', draftId, text: GOOD }))).toBe('FEEDBACK.DRAFT_NOT_FOUND');
  });
});

describe('start', () => {
  it('warns about weak anonymity below five active members', () => {
    expect(fw.feedback.start(caller('member'), f.cell.id)).toMatchObject({ activeMembers: 5, weakAnonymity: false, canAnswer: false, canOpenDrafts: false });
    const small = fw.feedback.start(caller('otherSecretary'), f.otherCell.id);
    expect(small).toMatchObject({ activeMembers: 1, weakAnonymity: true, canAnswer: true, canOpenDrafts: true });
    addMember(w, f.otherCell.id, addPerson(w, 'telegram', '555', 'X'), 'Lý Thị Năm');
    expect(fw.feedback.start(caller('otherSecretary'), f.otherCell.id).activeMembers).toBe(2);
  });
});

describe('housekeeping', () => {
  it('forgets unanswered delete offers after a while, and keeps other choices', () => {
    w.repos.conversations.save('telegram', '104', { choices: [{ n: 1, label: 'Xóa', action: 'fbx:10:20' }, { n: 2, label: 'Khác', action: 'cmd:trogiup' }] }, T0);
    fw.feedback.housekeeping(T0 + 5 * 60_000);
    expect(w.repos.conversations.get('telegram', '104')?.choices).toHaveLength(2);
    fw.feedback.housekeeping(T0 + 20 * 60_000);
    expect(w.repos.conversations.get('telegram', '104')?.choices.map((c) => c.action)).toEqual(['cmd:trogiup']);
  });
});

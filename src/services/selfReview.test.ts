import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import type { Caller } from './context.js';
import { featureSnapshot, feedbackWorld, rawBytes, tableRows, TEST_KEY_A, TEST_KEY_B, writeWholeNote, zipEntry, type FeedbackWorld } from './feedback.testing.js';
import { actorKinds, cloneWorld, DAY, errorCode, openWorld, seedCell, standingInCell, T0, type ActorKind, type CellFixture, type TestWorld, expectedOutcome } from './testing.js';

const expected = expectedOutcome;

const HOUR = 3_600_000;
const SECRET_TEXT = 'Tôi đã có lúc chưa gương mẫu XQZWV trong việc giữ giờ họp.';

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
const t = () => w.translator.for('vi');

function openSeason(deadline = '2026-03-20'): number {
  return fw.selfReview.openSeason(caller('secretary'), f.cell.id, { kind: 'year', label: 'năm 2026', deadline }).id;
}

/** A note of another member (none of the actors), written in full and submitted. */
function submittedNoteOfMember(): number {
  const s = openSeason();
  writeWholeNote(fw, f.target.caller, f.cell.id, s, '2A');
  return fw.selfReview.submit(f.target.caller, f.cell.id, s).note?.id ?? 0;
}

/** For actions on the caller's own note: what they need first, where they are allowed to have it. */
function ownNote(kind: ActorKind, submit: boolean): number {
  const s = openSeason();
  try {
    writeWholeNote(fw, caller(kind), f.cell.id, s, '2A');
    if (submit) fw.selfReview.submit(caller(kind), f.cell.id, s);
  } catch {
    // Someone who may not write has no note; the action itself must then be refused.
  }
  return s;
}

interface Case {
  name: string;
  rule: PrivilegedAction;
  setup?: (kind: ActorKind) => number;
  run: (c: Caller, ref: number) => unknown;
}

const cases: Case[] = [
  { name: 'openSeason', rule: 'review.season', run: (c) => fw.selfReview.openSeason(c, f.cell.id, { kind: 'meeting', label: 'sinh hoạt tháng 3/2026', deadline: '2026-03-25' }) },
  { name: 'closeSeason', rule: 'review.season', setup: () => openSeason(), run: (c, s) => fw.selfReview.closeSeason(c, s) },
  { name: 'nudgeNow', rule: 'review.season', setup: () => openSeason(), run: (c, s) => fw.selfReview.nudgeNow(c, s) },
  { name: 'currentSeason', rule: 'review.write', setup: () => openSeason(), run: (c) => fw.selfReview.currentSeason(c, f.cell.id) },
  { name: 'mine', rule: 'review.write', setup: () => openSeason(), run: (c, s) => fw.selfReview.mine(c, f.cell.id, s) },
  { name: 'mineBySeason', rule: 'review.write', setup: () => openSeason(), run: (c, s) => fw.selfReview.mineBySeason(c, s) },
  { name: 'write', rule: 'review.write', setup: () => openSeason(), run: (c, s) => fw.selfReview.write(c, f.cell.id, s, 'ethics', 'Giữ gìn đạo đức.', 'append') },
  { name: 'chooseLevel', rule: 'review.write', setup: () => openSeason(), run: (c, s) => fw.selfReview.chooseLevel(c, f.cell.id, s, 'good') },
  { name: 'submit', rule: 'review.write', setup: (k) => ownNote(k, false), run: (c, s) => fw.selfReview.submit(c, f.cell.id, s) },
  { name: 'withdraw', rule: 'review.write', setup: (k) => ownNote(k, true), run: (c, s) => fw.selfReview.withdraw(c, f.cell.id, s) },
  { name: 'status', rule: 'review.status', setup: () => openSeason(), run: (c, s) => fw.selfReview.status(c, s) },
  { name: 'read (another member’s submitted note)', rule: 'review.read', setup: submittedNoteOfMember, run: (c, n) => fw.selfReview.read(c, n) },
];

describe.each(cases)('$name (rule $rule), every role', (action) => {
  it.each(actorKinds.map((kind) => ({ kind, outcome: expected(action.rule, standingInCell[kind]) })))('$kind', ({ kind, outcome }) => {
    // The note's author reads it whatever the rule says; the cases aim at other people's notes.
    const ref = action.setup?.(kind) ?? 0;
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

describe('exportDocx (rule review.export), every role', () => {
  it.each(actorKinds.map((kind) => ({ kind, outcome: expected('review.export', standingInCell[kind]) })))('$kind', async ({ kind, outcome }) => {
    const noteId = submittedNoteOfMember();
    const before = featureSnapshot(w.store);
    const result = await fw.selfReview.exportDocx(caller(kind), noteId, t()).then(
      (r) => r,
      (err: unknown) => err,
    );
    if (outcome.allowed) {
      expect(result).toHaveProperty('filename');
      return;
    }
    expect(result).toBeInstanceOf(DomainError);
    expect((result as DomainError).code).toBe(outcome.code);
    expect(featureSnapshot(w.store)).toEqual(before);
  });
});

describe('privacy of notes', () => {
  it('stores the text encrypted: neither the file nor its log holds it in clear', () => {
    const s = openSeason();
    fw.selfReview.write(caller('member'), f.cell.id, s, 'shortcomings', SECRET_TEXT, 'append');
    const rows = tableRows(w.store, 'self_reviews');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_id).toBe('a');
    expect(JSON.stringify(rows)).not.toContain('XQZWV');
    const bytes = rawBytes(w.dbPath);
    expect(bytes.includes(Buffer.from('XQZWV'))).toBe(false);
    expect(bytes.includes(Buffer.from(SECRET_TEXT, 'utf8'))).toBe(false);
    expect(bytes.toString('latin1')).not.toContain(Buffer.from(SECRET_TEXT).toString('base64').slice(0, 16));
    expect(fw.selfReview.mine(caller('member'), f.cell.id, s).content.sections.shortcomings).toEqual([SECRET_TEXT]);
  });

  it('binds ciphertext to its note: moved onto another row it does not decrypt', () => {
    const s = openSeason();
    fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', 'Của đồng chí Dung.', 'append');
    fw.selfReview.write(caller('deputy'), f.cell.id, s, 'ethics', 'Của đồng chí Bình.', 'append');
    const [a, b] = tableRows(w.store, 'self_reviews');
    w.store.sqlite.prepare('UPDATE self_reviews SET content = ? WHERE id = ?').run(a?.content, b?.id);
    expect(errorCode(() => fw.selfReview.mine(caller('deputy'), f.cell.id, s))).toBe('REVIEW.UNREADABLE');
  });

  it('a draft is its author’s alone; once submitted the secretary and deputy read it, and a withdrawal hides it again', () => {
    const s = openSeason();
    writeWholeNote(fw, caller('member'), f.cell.id, s, '2A');
    const noteId = Number(tableRows(w.store, 'self_reviews')[0]?.id);
    expect(fw.selfReview.read(caller('member'), noteId).isAuthor).toBe(true);
    for (const k of ['secretary', 'deputy'] as const) expect(errorCode(() => fw.selfReview.read(caller(k), noteId))).toBe('REVIEW.NOT_FOUND');
    fw.selfReview.submit(caller('member'), f.cell.id, s);
    for (const k of ['secretary', 'deputy'] as const) expect(fw.selfReview.read(caller(k), noteId).content.level).toBe('good');
    expect(errorCode(() => fw.selfReview.read(caller('committee'), noteId))).toBe('AUTH.FORBIDDEN');
    expect(errorCode(() => fw.selfReview.read(caller('otherSecretary'), noteId))).toBe('AUTH.NOT_MEMBER');
    expect(errorCode(() => fw.selfReview.read(caller('outsider'), noteId))).toBe('AUTH.NOT_MEMBER');
    expect(errorCode(() => fw.selfReview.read(caller('admin'), noteId))).toBe('AUTH.NOT_MEMBER');
    // The committee sees only who submitted.
    const status = fw.selfReview.status(caller('committee'), s);
    expect(status.rows.find((r) => r.member.id === f.members.member?.id)?.status).toBe('submitted');
    expect(JSON.stringify(status)).not.toContain('Nội dung');
    fw.selfReview.withdraw(caller('member'), f.cell.id, s);
    expect(errorCode(() => fw.selfReview.read(caller('secretary'), noteId))).toBe('REVIEW.NOT_FOUND');
    fw.selfReview.submit(caller('member'), f.cell.id, s);
    expect(fw.selfReview.read(caller('secretary'), noteId).note.status).toBe('submitted');
    expect(errorCode(() => fw.selfReview.read(caller('secretary'), 999_999))).toBe('REVIEW.NOT_FOUND');
  });

  it('the Word file is for the author and the secretary, of a submitted note only, laid out like the form', async () => {
    const s = openSeason();
    writeWholeNote(fw, caller('member'), f.cell.id, s, '2A', 'Đoạn viết');
    const noteId = Number(tableRows(w.store, 'self_reviews')[0]?.id);
    await expect(fw.selfReview.exportDocx(caller('member'), noteId, t())).rejects.toMatchObject({ code: 'REVIEW.NOT_SUBMITTED' });
    fw.selfReview.submit(caller('member'), f.cell.id, s);
    const { filename, data } = await fw.selfReview.exportDocx(caller('member'), noteId, t());
    expect(filename).toBe('ban-kiem-diem-Pham-Thi-Dung.docx');
    expect(data.subarray(0, 2).toString()).toBe('PK');
    const xml = zipEntry(data, 'word/document.xml') ?? '';
    for (const s2 of ['ĐẢNG CỘNG SẢN VIỆT NAM', 'BẢN KIỂM ĐIỂM CÁ NHÂN', 'Mẫu 2A', 'năm 2026', 'Phạm Thị Dung', 'CHI BỘ KHU PHỐ 3', 'VỀ TƯ TƯỞNG CHÍNH TRỊ', 'Đoạn viết politicalThought', 'Hoàn thành tốt nhiệm vụ', 'NGƯỜI TỰ KIỂM ĐIỂM']) expect(xml).toContain(s2);
    expect((await fw.selfReview.exportDocx(caller('secretary'), noteId, t())).data.length).toBeGreaterThan(1000);
    await expect(fw.selfReview.exportDocx(caller('deputy'), noteId, t())).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });
});

describe('writing and submitting', () => {
  it('refuses to submit an incomplete note, and changes nothing', () => {
    const s = openSeason();
    fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', 'Một đoạn.', 'append');
    const before = featureSnapshot(w.store);
    expect(errorCode(() => fw.selfReview.submit(caller('member'), f.cell.id, s))).toBe('REVIEW.INCOMPLETE');
    expect(featureSnapshot(w.store)).toEqual(before);
  });

  it('a submitted note cannot be edited until withdrawn, and nothing moves once the season is closed', () => {
    const s = openSeason();
    writeWholeNote(fw, caller('member'), f.cell.id, s, '2A');
    fw.selfReview.submit(caller('member'), f.cell.id, s);
    expect(errorCode(() => fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', 'Thêm.', 'append'))).toBe('REVIEW.SUBMITTED');
    expect(errorCode(() => fw.selfReview.submit(caller('member'), f.cell.id, s))).toBe('REVIEW.SUBMITTED');
    fw.selfReview.withdraw(caller('member'), f.cell.id, s);
    expect(errorCode(() => fw.selfReview.withdraw(caller('member'), f.cell.id, s))).toBe('REVIEW.NOT_SUBMITTED');
    fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', 'Thêm.', 'append');
    fw.selfReview.submit(caller('member'), f.cell.id, s);
    fw.selfReview.closeSeason(caller('secretary'), s);
    expect(errorCode(() => fw.selfReview.withdraw(caller('member'), f.cell.id, s))).toBe('REVIEW.SEASON_CLOSED');
    expect(errorCode(() => fw.selfReview.write(caller('deputy'), f.cell.id, s, 'ethics', 'Muộn.', 'append'))).toBe('REVIEW.SEASON_CLOSED');
    expect(errorCode(() => fw.selfReview.closeSeason(caller('secretary'), s))).toBe('REVIEW.SEASON_CLOSED');
    // Still readable afterwards, by the author and the secretary.
    expect(fw.selfReview.mine(caller('member'), f.cell.id).note?.status).toBe('submitted');
  });

  it('follows the form in the member’s profile', () => {
    const s = openSeason();
    w.services.members.setReviewForm(caller('secretary'), Number(f.members.member?.id), '2B');
    expect(fw.selfReview.mine(caller('member'), f.cell.id, s).form).toBe('2B');
    expect(errorCode(() => fw.selfReview.write(caller('member'), f.cell.id, s, 'leadership', 'Lãnh đạo.', 'append'))).toBe('none');
    expect(errorCode(() => fw.selfReview.write(caller('member'), f.cell.id, s, 'residence', 'Nơi ở.', 'append'))).toBe('REVIEW.SECTION_INVALID');
  });

  it('one season at a time, with a sane deadline, announced to the cell', () => {
    expect(errorCode(() => fw.selfReview.openSeason(caller('secretary'), f.cell.id, { kind: 'year', label: 'năm 2026', deadline: '2026-03-09' }))).toBe('REVIEW.DEADLINE_INVALID');
    expect(errorCode(() => fw.selfReview.openSeason(caller('secretary'), f.cell.id, { kind: 'year', label: 'x', deadline: '2026-03-20' }))).toBe('REVIEW.LABEL_INVALID');
    const s = openSeason();
    expect(tableRows(w.store, 'outbox').some((o) => o.idempotency_key === `rvopen:${s}:p${f.actors.committee.personId}`)).toBe(true);
    expect(errorCode(() => openSeason())).toBe('REVIEW.SEASON_OPEN');
    fw.selfReview.closeSeason(caller('secretary'), s);
    expect(errorCode(() => openSeason())).toBe('none');
  });
});

describe('reminders and counts', () => {
  it('reminds privately those expected who have not submitted, once per window, and tells the secretary the counts', () => {
    const s = openSeason('2026-03-12');
    writeWholeNote(fw, caller('deputy'), f.cell.id, s, '2A');
    fw.selfReview.submit(caller('deputy'), f.cell.id, s);
    fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', 'Đang viết.', 'append');
    const keys = () => tableRows(w.store, 'outbox').map((o) => String(o.idempotency_key));
    // 07:00 in Hà Nội: before the reminder hour.
    expect(fw.selfReview.nudge(T0 - 3 * HOUR, false)).toBe(0);
    // 10:00 on 10/3, three days before: the secretary, committee member and plain member (the exempt one is not expected).
    expect(fw.selfReview.nudge(T0, false)).toBe(3);
    const nudged = keys().filter((k) => k.startsWith(`rvnudge:${s}:d3:`));
    expect(nudged.sort()).toEqual([f.actors.secretary, f.actors.committee, f.actors.member].map((p) => `rvnudge:${s}:d3:${p.personId}`).sort());
    const draftNudge = tableRows(w.store, 'outbox').find((o) => o.idempotency_key === `rvnudge:${s}:d3:${f.actors.member.personId}`);
    expect(String(draftNudge?.payload)).toContain('bản nháp');
    expect(String(draftNudge?.payload)).not.toContain('Đang viết');
    const report = tableRows(w.store, 'outbox').find((o) => String(o.idempotency_key).startsWith(`rvcount:${s}:d3:`));
    expect(report?.person_id).toBe(f.actors.secretary.personId);
    expect(String(report?.payload)).toContain('1/4');
    expect(String(report?.payload)).toContain('Phạm Thị Dung');
    expect(fw.selfReview.nudge(T0 + HOUR, false)).toBe(0);
    expect(fw.selfReview.nudge(T0 + DAY, false)).toBe(3);
    expect(fw.selfReview.nudge(T0 + 2 * DAY, false)).toBe(3);
    expect(fw.selfReview.nudge(T0 + 3 * DAY, false)).toBe(0);
    expect(keys().filter((k) => k.startsWith(`rvcount:${s}:due`))).toHaveLength(1);
    expect(fw.selfReview.nudge(T0 + 4 * DAY, false)).toBe(0);
    expect(keys().filter((k) => k.startsWith(`rvcount:${s}:due`))).toHaveLength(1);
  });

  it('a dry run sends nothing; the secretary’s reminder goes once a day', () => {
    const s = openSeason('2026-03-12');
    const before = featureSnapshot(w.store);
    expect(fw.selfReview.nudge(T0, true)).toBe(4);
    expect(featureSnapshot(w.store)).toEqual(before);
    expect(fw.selfReview.nudgeNow(caller('secretary'), s)).toBe(4);
    expect(fw.selfReview.nudgeNow(caller('secretary'), s)).toBe(0);
  });
});

describe('key rotation', () => {
  it('re-encrypts notes under the new key; then the old key can go', () => {
    const s = openSeason();
    fw.selfReview.write(caller('member'), f.cell.id, s, 'ethics', SECRET_TEXT, 'append');
    const rotated = feedbackWorld(w, { keys: `b:${TEST_KEY_B},a:${TEST_KEY_A}` });
    expect(rotated.selfReview.mine(caller('member'), f.cell.id, s).content.sections.ethics).toEqual([SECRET_TEXT]);
    expect(rotated.selfReview.reencrypt()).toBe(1);
    expect(tableRows(w.store, 'self_reviews')[0]?.key_id).toBe('b');
    expect(rotated.selfReview.reencrypt()).toBe(0);
    const onlyNew = feedbackWorld(w, { keys: `b:${TEST_KEY_B}` });
    expect(onlyNew.selfReview.mine(caller('member'), f.cell.id, s).content.sections.ethics).toEqual([SECRET_TEXT]);
    expect(errorCode(() => fw.selfReview.mine(caller('member'), f.cell.id, s))).toBe('REVIEW.UNREADABLE');
  });
});

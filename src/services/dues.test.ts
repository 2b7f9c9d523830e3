import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import type { PrivilegedAction } from '../domain/roles.js';
import { LEDGER } from '../reports/dues-ledger.js';
import type { Caller } from './context.js';
import { addCollector, duesKit, duesSnapshot, outboxWith, type DuesKit } from './dues.testing.js';
import { actorKinds, addMember, addPerson, cloneWorld, DAY, errorCode, memberOf, openWorld, seedCell, standingInCell, type CellFixture, type TestPerson, type TestWorld, expectedOutcome, type ActorKind, type Expectation } from './testing.js';

const authCodes: readonly ErrorCode[] = ['AUTH.NOT_ADMIN', 'AUTH.NOT_MEMBER', 'AUTH.FORBIDDEN', 'AUTH.PENDING'];
const kinds = [...actorKinds, 'collector'] as const;
type Kind = (typeof kinds)[number];

/** The permission table, plus the collector flag: an active member charged with collecting dues may do every dues action. */
function expected(action: PrivilegedAction, kind: Kind): Expectation {
  if (kind === 'collector') return { allowed: true };
  return expectedOutcome(action, standingInCell[kind as ActorKind]);
}

interface Fixture {
  f: CellFixture;
  collector: TestPerson;
  pendingPaymentId: number;
  confirmedPaymentId: number;
  reliefId: number;
}

let template: TestWorld;
let fx: Fixture;
let w: TestWorld;
let k: DuesKit;

beforeAll(() => {
  template = openWorld();
  const f = seedCell(template);
  const kit = duesKit(template);
  const sec = f.actors.secretary.caller;
  const collector = addCollector(template, f).person;
  kit.dues.setBasis(sec, memberOf(f, 'member').id, { fromMonth: '2026-03', category: 'insured', incomeBase: 5_000_000, fixedAmount: null });
  kit.dues.ensureCharges(f.cell.id, '2026-03');
  const memberCharge = kit.dues.repo.chargeFor(memberOf(f, 'member').id, '2026-03');
  const pending = kit.dues.declare(f.actors.member.caller, memberCharge?.id ?? 0, 'cash', 50_000, null);
  const confirmed = kit.dues.record(sec, memberOf(f, 'committee').id, '2026-03', 20_000, 'cash');
  const relief = kit.dues.addRelief(sec, memberOf(f, 'deputy').id, { kind: 'hardship', percent: 30, fromMonth: '2026-03', toMonth: '2026-05', decision: 'Nghị quyết chi bộ ngày 01/03/2026' });
  fx = { f, collector, pendingPaymentId: pending.payment.id, confirmedPaymentId: confirmed.payment.id, reliefId: relief.id };
});

afterAll(() => template.close());

beforeEach(() => {
  w = cloneWorld(template);
  k = duesKit(w);
});

afterEach(() => w.close());

const callerOf = (kind: Kind): Caller => (kind === 'collector' ? fx.collector.caller : fx.f.actors[kind].caller);
const cellId = () => fx.f.cell.id;
const targetId = () => fx.f.targetMember.id;

interface DuesCase {
  name: string;
  rule: PrivilegedAction;
  writes: boolean;
  run: (caller: Caller) => unknown;
}

const cases: DuesCase[] = [
  { name: 'dues.mine', rule: 'dues.declare', writes: false, run: (c) => k.dues.mine(c, cellId()) },
  { name: 'dues.chargeForMonth', rule: 'dues.declare', writes: false, run: (c) => k.dues.chargeForMonth(c, cellId(), '2026-03') },
  {
    name: 'dues.requestRelief (own month)',
    rule: 'dues.declare',
    writes: true,
    run: (c) => {
      const me = w.repos.members.inCell(cellId(), c.personId);
      const charge = (me && me.status === 'active' ? k.dues.repo.chargeFor(me.id, '2026-03') : undefined) ?? k.dues.repo.chargeFor(targetId(), '2026-03');
      return k.dues.requestRelief(c, charge?.id ?? 0);
    },
  },
  { name: 'dues.cellMonth', rule: 'dues.view', writes: false, run: (c) => k.dues.cellMonth(c, cellId(), '2026-03') },
  { name: 'dues.ofMember (income base)', rule: 'dues.view', writes: false, run: (c) => k.dues.ofMember(c, memberOf(fx.f, 'member').id) },
  { name: 'dues.pending', rule: 'dues.collect', writes: false, run: (c) => k.dues.pending(c, cellId()) },
  { name: 'dues.decide (received)', rule: 'dues.collect', writes: true, run: (c) => k.dues.decide(c, fx.pendingPaymentId, true) },
  { name: 'dues.decide (not received)', rule: 'dues.collect', writes: true, run: (c) => k.dues.decide(c, fx.pendingPaymentId, false) },
  { name: 'dues.record', rule: 'dues.collect', writes: true, run: (c) => k.dues.record(c, targetId(), '2026-03', 10_000, 'portal') },
  { name: 'dues.confirmedOf', rule: 'dues.correct', writes: false, run: (c) => k.dues.confirmedOf(c, memberOf(fx.f, 'committee').id) },
  { name: 'dues.correct', rule: 'dues.correct', writes: true, run: (c) => k.dues.correct(c, fx.confirmedPaymentId, 15_000, 'Ghi nhầm số tiền') },
  { name: 'dues.setBasis', rule: 'dues.setAmount', writes: true, run: (c) => k.dues.setBasis(c, targetId(), { fromMonth: '2026-03', category: 'pensioner', incomeBase: 4_000_000, fixedAmount: null }) },
  { name: 'dues.addRelief', rule: 'dues.relief', writes: true, run: (c) => k.dues.addRelief(c, targetId(), { kind: 'fifty_years', percent: 100, fromMonth: '2026-04', toMonth: null, decision: 'Quyết định 12-QĐ/ĐU' }) },
  { name: 'dues.endRelief', rule: 'dues.relief', writes: true, run: (c) => k.dues.endRelief(c, fx.reliefId, '2026-04') },
  { name: 'reports.ledgerData', rule: 'dues.export', writes: false, run: (c) => k.reports.ledgerData(c, cellId()) },
  { name: 'reports.reportData', rule: 'dues.export', writes: false, run: (c) => k.reports.reportData(c, cellId(), { kind: 'quarter', year: 2026, quarter: 1 }) },
];

describe.each(cases)('$name (rule $rule)', (action) => {
  const rows = kinds.map((kind) => {
    const outcome = expected(action.rule, kind);
    return { kind, outcome, label: outcome.allowed ? 'allowed' : `refused with ${outcome.code}` };
  });
  it.each(rows)('$kind: $label', ({ kind, outcome }) => {
    const before = duesSnapshot(w.store);
    let thrown: unknown = null;
    try {
      action.run(callerOf(kind));
    } catch (err) {
      thrown = err;
    }
    const after = duesSnapshot(w.store);
    if (outcome.allowed) {
      expect(thrown).toBeNull();
      if (action.writes) expect(after.auditCount).toBeGreaterThan(before.auditCount);
      else expect(after).toEqual(before);
      return;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    const code = (thrown as DomainError).code;
    expect(authCodes).toContain(code);
    expect(code).toBe(outcome.code);
    expect(after).toEqual(before);
  });
});

describe('permission table', () => {
  it('has a dues row for every privileged dues action the service checks', () => {
    const rules = new Set(cases.map((c) => c.rule));
    expect([...rules].sort()).toEqual(['dues.collect', 'dues.correct', 'dues.declare', 'dues.export', 'dues.relief', 'dues.setAmount', 'dues.view']);
  });

  it('gives the collector flag no power outside dues, and none once the member has left', () => {
    const c = fx.collector.caller;
    expect(errorCode(() => w.services.members.setRole(c, targetId(), 'committee'))).toBe('AUTH.FORBIDDEN');
    const collectorMember = w.repos.members.inCell(cellId(), fx.collector.personId);
    w.services.members.remove(fx.f.actors.secretary.caller, collectorMember?.id ?? 0);
    expect(errorCode(() => k.dues.cellMonth(c, cellId(), '2026-03'))).toBe('AUTH.NOT_MEMBER');
  });
});

describe('declaring and confirming', () => {
  const sec = () => fx.f.actors.secretary.caller;
  const chargeOf = (kind: 'member' | 'committee' | 'secretary' | 'deputy', month = '2026-03') => k.dues.repo.chargeFor(memberOf(fx.f, kind).id, month)?.id ?? 0;

  it('counts a month as paid only when the collector confirms, and sends the card to collectors', () => {
    const card = outboxWith(w.store, 'dues:card');
    expect(card).toHaveLength(0); // the template's declaration was made without the feature, so no card
    const line = k.dues.mine(fx.f.actors.member.caller, cellId()).current;
    expect(line).toMatchObject({ due: 50_000, confirmed: 0, pending: true, settlement: 'unpaid' });
    const r = k.dues.decide(fx.collector.caller, fx.pendingPaymentId, true);
    expect(r.line).toMatchObject({ confirmed: 50_000, pending: false, settlement: 'paid' });
    expect(errorCode(() => k.dues.decide(sec(), fx.pendingPaymentId, false))).toBe('DUES.ALREADY_DECIDED');
    expect(errorCode(() => k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'cash', 50_000, null))).toBe('DUES.ALREADY_PAID');
  });

  it('lets the member declare again after "Chưa nhận", and refuses a second pending declaration', () => {
    expect(errorCode(() => k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'portal', 50_000, null))).toBe('DUES.ALREADY_DECLARED');
    k.dues.decide(sec(), fx.pendingPaymentId, false);
    const again = k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'portal', 50_000, 'zalo:https://photo.zalo.me/receipt.jpg');
    expect(again.payment).toMatchObject({ status: 'declared', method: 'portal', receiptRef: 'zalo:https://photo.zalo.me/receipt.jpg', timing: 'on_time' });
    expect(again.confirmers.map((m) => m.fullName)).toEqual(['Lương Thị Thu']);
  });

  it('sends declarations to the secretary when no collector is set, never to the declaring collector', () => {
    w.services.members.setCollectsDues(sec(), w.repos.members.inCell(cellId(), fx.collector.personId)?.id ?? 0, false);
    expect(k.dues.confirmers(cellId()).map((m) => m.role)).toEqual(['secretary']);
    const collectorId = w.repos.members.inCell(cellId(), fx.collector.personId)?.id ?? 0;
    w.services.members.setCollectsDues(sec(), collectorId, true);
    expect(k.dues.confirmers(cellId(), collectorId).map((m) => m.role)).toEqual(['secretary']);
  });

  it('records partial payments and payments above the rate as such', () => {
    k.dues.decide(sec(), fx.pendingPaymentId, false);
    const part = k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'cash', 20_000, null);
    expect(k.dues.decide(sec(), part.payment.id, true).line).toMatchObject({ settlement: 'partial', confirmed: 20_000 });
    const rest = k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'cash', 40_000, null);
    expect(k.dues.decide(sec(), rest.payment.id, true).line).toMatchObject({ settlement: 'over', confirmed: 60_000 });
  });

  it('refuses amounts that are not whole positive đồng, and someone else\'s month', () => {
    k.dues.decide(sec(), fx.pendingPaymentId, false);
    for (const bad of [0, -5, 1.5, 2_000_000_000]) expect(errorCode(() => k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'cash', bad, null))).toBe('DUES.AMOUNT_INVALID');
    expect(errorCode(() => k.dues.declare(fx.f.actors.member.caller, chargeOf('secretary'), 'cash', 5_000, null))).toBe('DUES.NOT_YOURS');
  });

  it('refuses paying ahead for an ordinary member and takes it from one temporarily exempt from activities', () => {
    expect(errorCode(() => k.dues.chargeForMonth(fx.f.actors.member.caller, cellId(), '2026-04'))).toBe('DUES.ADVANCE_NOT_ALLOWED');
    const ahead = k.dues.chargeForMonth(fx.f.target.caller, cellId(), '2026-05');
    const r = k.dues.declare(fx.f.target.caller, ahead.chargeId, 'cash', 10_000, null);
    expect(r.payment.timing).toBe('advance');
    expect(errorCode(() => k.dues.chargeForMonth(fx.f.actors.member.caller, cellId(), '2026-02'))).toBe('DUES.NOT_DUE');
  });

  it('refuses declaring an exempt month', () => {
    k.dues.addRelief(sec(), memberOf(fx.f, 'member').id, { kind: 'social_pension', percent: 100, fromMonth: '2026-03', toMonth: null, decision: 'QĐ 3/2026' });
    k.dues.decide(sec(), fx.pendingPaymentId, false);
    expect(errorCode(() => k.dues.declare(fx.f.actors.member.caller, chargeOf('member'), 'cash', 5_000, null))).toBe('DUES.NOT_DUE');
  });
});

describe('corrections and audit', () => {
  const sec = () => fx.f.actors.secretary.caller;

  it('corrects a confirmed payment with a reason, keeping the old amount, and audits it', () => {
    const r = k.dues.correct(fx.collector.caller, fx.confirmedPaymentId, 25_000, '  Thu thêm 5.000 đ  ');
    expect(r).toMatchObject({ oldAmount: 20_000, payment: { amount: 25_000, status: 'confirmed' } });
    expect(k.dues.repo.correctionsInCell(cellId())[0]).toMatchObject({ oldAmount: 20_000, newAmount: 25_000, reason: 'Thu thêm 5.000 đ', correctedBy: fx.collector.personId });
    const audit = w.repos.audit.byAction(cellId(), 'dues.correct');
    expect(audit[0]).toMatchObject({ actorPersonId: fx.collector.personId, details: { month: '2026-03', from: 20_000, to: 25_000 } });
  });

  it('cancels with 0, needs a reason, and corrects only confirmed payments', () => {
    expect(errorCode(() => k.dues.correct(sec(), fx.confirmedPaymentId, 0, '   '))).toBe('DUES.REASON_REQUIRED');
    expect(errorCode(() => k.dues.correct(sec(), fx.confirmedPaymentId, 20_000, 'giống cũ'))).toBe('DUES.AMOUNT_INVALID');
    expect(errorCode(() => k.dues.correct(sec(), fx.pendingPaymentId, 1_000, 'chưa xác nhận'))).toBe('DUES.NOT_CONFIRMED');
    k.dues.correct(sec(), fx.confirmedPaymentId, 0, 'Khoản ghi trùng');
    expect(k.dues.repo.payment(fx.confirmedPaymentId)?.status).toBe('void');
    expect(errorCode(() => k.dues.correct(sec(), fx.confirmedPaymentId, 5_000, 'lại'))).toBe('DUES.NOT_CONFIRMED');
  });

  it('audits every confirmation, refusal, record and amount change, without the private income base', () => {
    k.dues.decide(sec(), fx.pendingPaymentId, true);
    k.dues.setBasis(sec(), targetId(), { fromMonth: '2026-03', category: 'insured', incomeBase: 7_000_000, fixedAmount: null });
    const actions = w.repos.audit.recent(cellId(), 50).map((a) => a.action);
    for (const a of ['dues.declare', 'dues.confirm', 'dues.record', 'dues.relief', 'dues.setBasis']) expect(actions).toContain(a);
    const basis = w.repos.audit.byAction(cellId(), 'dues.setBasis').at(-1);
    expect(JSON.stringify(basis?.details)).not.toContain('7000000');
    expect(basis?.details).toMatchObject({ incomeBase: true, category: 'insured', from: '2026-03' });
  });
});

describe('amounts, exemptions and reductions over time', () => {
  const sec = () => fx.f.actors.secretary.caller;

  it('changes take effect from a month and keep history', () => {
    const id = targetId();
    k.dues.setBasis(sec(), id, { fromMonth: '2026-03', category: 'insured', incomeBase: 5_000_000, fixedAmount: null });
    w.clock.advance(31 * DAY); // April
    k.dues.ensureCharges(cellId(), '2026-04');
    k.dues.setBasis(sec(), id, { fromMonth: '2026-04', category: 'insured', incomeBase: 6_000_000, fixedAmount: null });
    const d = k.dues.ofMember(sec(), id);
    expect(d.history.map((l) => [l.month, l.due])).toEqual([
      ['2026-04', 60_000],
      ['2026-03', 50_000],
    ]);
    expect(d.bases.map((b) => b.incomeBase)).toEqual([5_000_000, 6_000_000]);
    expect(errorCode(() => k.dues.setBasis(sec(), id, { fromMonth: '2026-05', category: 'pensioner', incomeBase: null, fixedAmount: null }))).toBe('DUES.BASE_REQUIRED');
    k.dues.setBasis(sec(), id, { fromMonth: '2026-04', category: 'pensioner', incomeBase: null, fixedAmount: 30_000 });
    expect(k.dues.ofMember(sec(), id).current?.due).toBe(30_000);
  });

  it('shows the income base to the member, the collector and the secretary only', () => {
    const id = memberOf(fx.f, 'member').id;
    expect(k.dues.mine(fx.f.actors.member.caller, cellId()).basis?.incomeBase).toBe(5_000_000);
    expect(k.dues.ofMember(fx.collector.caller, id).basis?.incomeBase).toBe(5_000_000);
    expect(k.dues.ofMember(sec(), id).basis?.incomeBase).toBe(5_000_000);
    for (const kind of ['deputy', 'committee', 'member'] as const) expect(errorCode(() => k.dues.ofMember(fx.f.actors[kind].caller, id))).toBe('AUTH.FORBIDDEN');
    const overview = k.dues.cellMonth(sec(), cellId(), '2026-03');
    expect(JSON.stringify(overview)).not.toContain('5000000');
  });

  it('applies a reduction for its months and then ends it', () => {
    const deputy = memberOf(fx.f, 'deputy').id;
    k.dues.setBasis(sec(), deputy, { fromMonth: '2026-03', category: 'other', incomeBase: null, fixedAmount: null });
    w.clock.advance(92 * DAY); // June
    k.dues.ensureCharges(cellId(), '2026-06');
    expect(k.dues.ofMember(sec(), deputy).history.map((l) => [l.month, l.due, l.percentOff])).toEqual([
      ['2026-06', 10_000, 0],
      ['2026-05', 7_000, 30],
      ['2026-04', 7_000, 30],
      ['2026-03', 7_000, 30],
    ]);
    k.dues.endRelief(sec(), fx.reliefId, '2026-03');
    expect(k.dues.ofMember(sec(), deputy).history.map((l) => l.due)).toEqual([10_000, 10_000, 10_000, 7_000]);
    expect(errorCode(() => k.dues.addRelief(sec(), deputy, { kind: 'hardship', percent: 50, fromMonth: '2026-06', toMonth: '2027-06', decision: 'x' }))).toBe('DUES.RELIEF_TOO_LONG');
    expect(errorCode(() => k.dues.addRelief(sec(), deputy, { kind: 'hardship', percent: 50, fromMonth: '2026-06', toMonth: '2026-07', decision: '  ' }))).toBe('DUES.DECISION_REQUIRED');
  });
});

describe('the monthly cycle', () => {
  const sec = () => fx.f.actors.secretary.caller;
  const at = (iso: string) => Date.parse(iso);

  it('reminds each member who owes, once, but not an exempt member or one already paid', () => {
    k.dues.addRelief(sec(), targetId(), { kind: 'fifty_years', percent: 100, fromMonth: '2026-04', toMonth: null, decision: 'QĐ 50 năm' });
    k.cycle.run(at('2026-04-04T09:00:00+07:00'));
    expect(outboxWith(w.store, 'dues:remind:').filter((r) => r.key.endsWith('2026-04'))).toHaveLength(0);
    const first = k.cycle.run(at('2026-04-05T09:00:00+07:00'));
    const again = k.cycle.run(at('2026-04-05T09:01:00+07:00'));
    const april = outboxWith(w.store, 'dues:remind:').filter((r) => r.key.endsWith('2026-04'));
    expect(first.reminders).toBe(april.length);
    expect(again.reminders).toBe(0);
    expect(april.map((r) => r.personId)).not.toContain(fx.f.target.personId);
    const mine = april.find((r) => r.personId === fx.f.actors.member.personId);
    expect(mine?.text).toContain('Đảng phí tháng 04/2026');
    expect(mine?.text).toContain('50.000 đ');
    expect(mine?.text).toContain('https://dichvucong.gov.vn');
    expect(mine?.text).toContain('Lương Thị Thu');
    // Only private chats: no reminder goes to a group.
    expect(april.every((r) => !r.chatId.startsWith('-'))).toBe(true);
  });

  it('nudges weekly about unpaid months and keys each nudge per member, month and window', () => {
    k.cycle.run(at('2026-03-10T09:00:00+07:00'));
    k.cycle.run(at('2026-03-12T09:00:00+07:00'));
    expect(outboxWith(w.store, 'dues:nudge:').filter((r) => r.personId === fx.f.actors.deputy.personId)).toHaveLength(1);
    k.cycle.run(at('2026-03-13T09:00:00+07:00'));
    k.cycle.run(at('2026-03-19T09:00:00+07:00'));
    const nudges = outboxWith(w.store, 'dues:nudge:').filter((r) => r.personId === fx.f.actors.deputy.personId);
    expect(nudges.map((n) => n.key)).toEqual([`dues:nudge:${memberOf(fx.f, 'deputy').id}:2026-03:1`, `dues:nudge:${memberOf(fx.f, 'deputy').id}:2026-03:2`]);
    expect(nudges.every((n) => !n.essential)).toBe(true);
    // A member whose declaration waits for the collector is not nudged.
    expect(outboxWith(w.store, 'dues:nudge:').filter((r) => r.personId === fx.f.actors.member.personId)).toHaveLength(0);
  });

  it('tells the secretary privately at 2 and at 3 unpaid months of a year', () => {
    const deputy = memberOf(fx.f, 'deputy');
    k.dues.setBasis(sec(), deputy.id, { fromMonth: '2026-03', category: 'other', incomeBase: null, fixedAmount: null });
    for (const iso of ['2026-04-05T09:00:00+07:00', '2026-05-05T09:00:00+07:00']) {
      w.clock.set(at(iso));
      k.cycle.run(at(iso));
    }
    const warn = outboxWith(w.store, `dues:rule:${deputy.id}:2026:warn`);
    expect(warn).toHaveLength(1);
    expect(warn[0]?.personId).toBe(fx.f.actors.secretary.personId);
    expect(warn[0]?.text).toContain('03/2026, 04/2026');
    expect(outboxWith(w.store, `dues:rule:${deputy.id}:2026:flag`)).toHaveLength(0);
    w.clock.set(at('2026-06-05T09:00:00+07:00'));
    k.cycle.run(at('2026-06-05T09:00:00+07:00'));
    const flag = outboxWith(w.store, `dues:rule:${deputy.id}:2026:flag`);
    expect(flag).toHaveLength(1);
    expect(flag[0]?.text).toContain('Đủ căn cứ để chi bộ xem xét');
    expect(flag[0]?.text).toContain('Quy định 24-QĐ/TW');
    // Only to the secretary (the deputy when it is about the secretary), never to a group.
    const leaders = [fx.f.actors.secretary.personId, fx.f.actors.deputy.personId];
    for (const r of outboxWith(w.store, 'dues:rule:')) {
      expect(leaders).toContain(r.personId);
      expect(r.chatId.startsWith('-')).toBe(false);
    }
    expect(outboxWith(w.store, `dues:rule:${memberOf(fx.f, 'secretary').id}:`).every((r) => r.personId === fx.f.actors.deputy.personId)).toBe(true);
  });

  it('does nothing in a dry run', () => {
    const before = duesSnapshot(w.store);
    const r = k.cycle.run(at('2026-04-05T09:00:00+07:00'), { dryRun: true });
    expect(r.reminders).toBeGreaterThan(0);
    expect(duesSnapshot(w.store)).toEqual(before);
  });
});

describe('ledger and report files', () => {
  const sec = () => fx.f.actors.secretary.caller;

  it('writes the dues book with one sheet per year, read back cell by cell', async () => {
    k.dues.decide(sec(), fx.pendingPaymentId, true);
    const file = await k.reports.ledger(sec(), cellId());
    expect(file.filename).toBe('so-thu-dang-phi-2026.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['2026']);
    const ws = wb.getWorksheet('2026') as ExcelJS.Worksheet;
    expect(ws.getCell(1, 1).value).toBe('SỔ THU ĐẢNG PHÍ NĂM 2026');
    const names = new Map<string, number>();
    for (let r = LEDGER.firstRow; r < LEDGER.firstRow + 20; r++) if (typeof ws.getCell(r, 2).value === 'string') names.set(String(ws.getCell(r, 2).value), r);
    const march = LEDGER.monthColumn(2);
    const dung = names.get('Phạm Thị Dung') as number;
    expect(ws.getCell(dung, march).value).toBe(50_000);
    expect(ws.getCell(dung, march + 1).value).toBe(50_000);
    expect((ws.getCell(dung, march + 2).value as Date).toISOString().slice(0, 10)).toBe('2026-03-10');
    expect(ws.getCell(dung, march + 2).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getCell(dung, march + 1).numFmt).toBe('#,##0');
    expect(ws.getCell(dung, march + 3).value).toBe('Tiền mặt');
    const cuong = names.get('Lê Văn Cường') as number;
    expect(ws.getCell(cuong, march + 1).value).toBe(20_000);
    const binh = names.get('Trần Thị Bình') as number;
    expect(ws.getCell(binh, march + 1).value).toBeNull(); // unpaid
    expect(ws.getCell(binh, march + 3).value).toBe('giảm 30 %');
    const total = names.get('Cộng') as number;
    expect(ws.getCell(total, march + 1).value).toBe(70_000);
    expect(ws.getCell(total, LEDGER.totalsColumn + 1).value).toBe(70_000);
    expect(ws.getCell(4, LEDGER.totalsColumn + 3).value).toBe('Ký nhận');
  });

  it('writes the quarterly report with members, amount collected, share kept and sent up', async () => {
    k.dues.decide(sec(), fx.pendingPaymentId, true);
    const data = k.reports.reportData(sec(), cellId(), { kind: 'quarter', year: 2026, quarter: 1 });
    expect(data.totals).toMatchObject({ collected: 70_000, kept: 21_000, up: 49_000, shareKept: 0.3 });
    const file = await k.reports.report(sec(), cellId(), { kind: 'quarter', year: 2026, quarter: 1 });
    expect(file.filename).toBe('bao-cao-dang-phi-2026-quy-1.docx');
    const xml = unzipEntry(file.data, 'word/document.xml');
    const text = xml.replace(/<[^>]+>/g, '');
    for (const s of ['BÁO CÁO THU, NỘP ĐẢNG PHÍ', 'Quý I năm 2026', 'Tổng số đảng phí đã thu: 70.000 đ', 'Chi bộ được giữ lại (30 %): 21.000 đ', 'Số nộp lên cấp ủy cấp trên: 49.000 đ', 'Phạm Thị Dung']) expect(text).toContain(s);
  });
});

describe('inbound files reach a dialogue that asks for one', () => {
  it('keeps only a reference to the receipt photo', async () => {
    const { toInbound: telegramInbound } = await import('../channels/telegram/inbound.js');
    const { toInbound: zaloInbound } = await import('../channels/zalo/inbound.js');
    const tg = telegramInbound({ update_id: 1, message: { message_id: 5, date: 1, chat: { id: 42, type: 'private', first_name: 'A' }, from: { id: 42, is_bot: false, first_name: 'A' }, photo: [{ file_id: 'small', file_unique_id: 's', width: 90, height: 90 }, { file_id: 'large', file_unique_id: 'l', width: 800, height: 800 }], caption: 'biên lai' } } as never, 1);
    expect(tg).toMatchObject({ kind: 'media', file: { kind: 'photo', ref: 'large' }, text: 'biên lai' });
    const z = zaloInbound({ event_name: 'message.image.received', message: { message_id: 'm1', from: { id: 'u1', display_name: 'B' }, chat: { id: 'u1' }, photo_url: 'https://photo.zalo.me/x.jpg' } }, 'bot');
    expect(z).toMatchObject({ kind: 'media', file: { kind: 'photo', ref: 'https://photo.zalo.me/x.jpg' } });
    const sticker = zaloInbound({ event_name: 'message.sticker.received', message: { message_id: 'm2', from: { id: 'u1' }, chat: { id: 'u1' } } }, 'bot');
    expect(sticker?.file).toBeUndefined();
  });
});

describe('a member who joins later', () => {
  it('owes from the month of joining only', () => {
    w.clock.set(Date.parse('2026-05-20T03:00:00Z'));
    const p = addPerson(w, 'telegram', '777', 'Mới');
    const m = addMember(w, cellId(), p, 'Đặng Văn Mới');
    k.dues.ensureCharges(cellId(), '2026-05');
    expect(k.dues.repo.chargesOf(m.id).map((c) => c.month)).toEqual(['2026-05']);
  });
});

/** Reads one entry of a zip (the docx) with the central directory, as unzip would. */
function unzipEntry(zip: Buffer, name: string): string {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extra = zip.readUInt16LE(p + 30);
    const comment = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const entry = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (entry === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    p += 46 + nameLen + extra + comment;
  }
  throw new Error(`${name} not in zip`);
}

import { formatIsoDate } from '../../domain/dates.js';
import {
  addMonths,
  formatMonth,
  isSettled,
  monthOf,
  needsBase,
  packMonth,
  parseAmount,
  parseTypedMonth,
  quarterOf,
  reliefKinds,
  remaining,
  unpackMonth,
  type Month,
  type PaymentMethod,
  type ReliefKind,
} from '../../domain/dues.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { duesCategories, type DuesCategory } from '../../domain/members.js';
import { cite, rulesOn } from '../../domain/rules.js';
import type { DuesNotices, NudgeNotice, ReminderNotice, RuleNotice } from '../../services/dues-cycle.js';
import type { DuesReports } from '../../services/dues-reports.js';
import type { DuesService, MemberDues, MonthLine } from '../../services/dues.js';
import type { DuesPaymentRow } from '../../store/repos/dues.js';
import type { MemberRow } from '../../store/repos/members.js';
import type { Ctx, Feature } from '../context.js';
import { formatMoney } from '../format.js';
import type { Translate } from '../i18n.js';
import { choice, type Choice, type OutMessage } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

const MAX_REASON = 1000;
const methodOf = (code: string | undefined): PaymentMethod | null => (code === 'c' ? 'cash' : code === 'p' ? 'portal' : null);

// ---------------------------------------------------------------------------------------------
// wording shared by replies and scheduled messages

const amountText = (t: Translate, due: number | null): string => (due === null ? t('dues.unknownAmount') : formatMoney(due));

function statusText(t: Translate, l: MonthLine): string {
  if (l.pending && !isSettled(l.settlement)) return t('dues.status.pending');
  if (l.settlement === 'partial') return t('dues.status.partial', { paid: formatMoney(l.confirmed), rest: formatMoney(remaining(l) ?? 0) });
  if (l.settlement === 'over') return t('dues.status.over', { paid: formatMoney(l.confirmed) });
  return t(`dues.status.${l.settlement}`, { paid: formatMoney(l.confirmed) });
}

function howToPay(t: Translate, collectors: readonly MemberRow[], url: string): string {
  return collectors.length > 0 ? t('dues.how.collectors', { names: collectors.map((c) => c.fullName).join(', '), url }) : t('dues.how.noCollector', { url });
}

function reliefText(t: Translate, kind: ReliefKind, percent: number): string {
  return kind === 'hardship' && percent < 100 ? t('dues.relief.reduced', { percent }) : t(`dues.relief.${kind}`);
}

function declareRow(t: Translate, chargeId: number): Choice[] {
  return [choice(t('dues.action.cash'), `dp:d:${chargeId}:c`), choice(t('dues.action.portal'), `dp:d:${chargeId}:p`)];
}

/** The monthly reminder, the weekly nudge and the secretary's three-month notices, worded for whoever receives them. */
export const duesNotices: DuesNotices = {
  reminder(t, n: ReminderNotice): OutMessage {
    const { line } = n;
    const reduced = line.percentOff > 0 && line.percentOff < 100 ? ` ${t('dues.reminder.reduced', { percent: line.percentOff })}` : '';
    const lines = [
      t(line.due === null ? 'dues.reminder.unknown' : 'dues.reminder.text', { name: n.member.fullName, month: formatMonth(line.month), amount: `${amountText(t, line.due)}${reduced}`, cell: n.cell.name }),
      howToPay(t, n.collectors, n.portalUrl),
    ];
    if (n.older.length > 0) lines.push(t('dues.reminder.older'), ...n.older.map((o) => t('dues.owedLine', { month: formatMonth(o.month), amount: amountText(t, remaining(o)) })));
    if (n.flexible) lines.push(t('dues.reminder.flexible'));
    lines.push(t('dues.reminder.footer'));
    const choices: Choice[][] = [declareRow(t, line.chargeId), ...n.older.slice(0, 3).map((o) => [choice(t('dues.action.declareMonth', { month: formatMonth(o.month) }), `dp:m:${o.chargeId}`)]), [choice(t('dues.action.relief'), `dp:r:${line.chargeId}`)]];
    return { text: lines.join('\n'), choices };
  },
  nudge(t, n: NudgeNotice): OutMessage {
    const lines = [
      t('dues.nudge.text', { name: n.member.fullName, cell: n.cell.name }),
      ...n.owed.map((o) => t('dues.owedLine', { month: formatMonth(o.month), amount: amountText(t, remaining(o)) })),
      howToPay(t, n.collectors, n.portalUrl),
      t('dues.nudge.footer'),
    ];
    const last = n.owed[n.owed.length - 1] as MonthLine;
    const choices: Choice[][] = [...n.owed.slice(-4).map((o) => [choice(t('dues.action.declareMonth', { month: formatMonth(o.month) }), `dp:m:${o.chargeId}`)]), [choice(t('dues.action.relief'), `dp:r:${last.chargeId}`)]];
    return { text: lines.join('\n'), choices };
  },
  rule(t, n: RuleNotice): OutMessage {
    return {
      text: t(n.level === 'flag' ? 'dues.rule.flag' : 'dues.rule.warn', { cell: n.cell.name, name: n.member.fullName, count: n.months.length, year: n.year, months: n.months.map(formatMonth).join(', '), sources: n.sources }),
      choices: [[choice(t('dues.action.memberCard', { name: n.member.fullName }), `dp:mm:${n.member.id}`)]],
    };
  },
};

// ---------------------------------------------------------------------------------------------
// the member's own view and declarations

export function duesFeature(dues: DuesService, reports: DuesReports): Feature {
  function show(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'dangphi', 'any', (cellId) => {
      if (dues.isManager(ctx.caller, cellId)) return overview(ctx, cellId, monthOf(dues.today(cellId)));
      return mine(ctx, cellId);
    });
  }

  function basisLines(t: Translate, d: MemberDues): string[] {
    const lines: string[] = [];
    const category = d.basis?.category ?? d.member.duesCategory;
    lines.push(t('dues.mine.category', { category: t(`dues.category.${category}`) }));
    if (d.basis?.fixedAmount !== null && d.basis?.fixedAmount !== undefined) lines.push(t('dues.mine.fixed', { amount: formatMoney(d.basis.fixedAmount) }));
    else if (needsBase(category)) {
      const label = baseLabel(t, category, d.currentMonth);
      lines.push(d.basis?.incomeBase !== null && d.basis?.incomeBase !== undefined ? t('dues.mine.base', { label, amount: formatMoney(d.basis.incomeBase) }) : t('dues.mine.noBase', { label }));
    }
    for (const r of d.reliefs) lines.push(t('dues.mine.relief', { relief: reliefText(t, r.kind, r.percent), from: formatMonth(r.fromMonth), to: r.toMonth ? formatMonth(r.toMonth) : t('dues.openEnded'), decision: r.decision }));
    if (d.flexible) lines.push(t('dues.mine.flexible'));
    return lines;
  }

  function historyLines(t: Translate, d: MemberDues): string[] {
    return d.history.map((l) => t('dues.historyLine', { month: formatMonth(l.month), due: amountText(t, l.due), status: statusText(t, l) }));
  }

  function mine(ctx: Ctx, cellId: number): void {
    const d = dues.mine(ctx.caller, cellId);
    const { t } = ctx;
    const lines = [t('dues.mine.title', { name: d.member.fullName, cell: d.cell.name }), ...basisLines(t, d), '', t('dues.mine.history'), ...historyLines(t, d)];
    const choices: Choice[][] = [];
    const cur = d.current;
    const older = d.owed.filter((l) => l.month !== d.currentMonth);
    if (older.length > 0) lines.push('', t('dues.mine.owedTitle'), ...older.map((o) => t('dues.owedLine', { month: formatMonth(o.month), amount: amountText(t, remaining(o)) })));
    else lines.push('', t('dues.mine.nothingOwed'));
    if (cur && cur.due !== 0 && !isSettled(cur.settlement) && !cur.pending) choices.push(declareRow(t, cur.chargeId));
    for (const o of older.slice(0, 3)) choices.push([choice(t('dues.action.declareMonth', { month: formatMonth(o.month) }), `dp:m:${o.chargeId}`)]);
    choices.push([choice(t('dues.action.otherMonth'), `dp:o:${cellId}`)]);
    if (cur) choices.push([choice(t('dues.action.relief'), `dp:r:${cur.chargeId}`)]);
    if (dues.isManager(ctx.caller, cellId)) choices.push([choice(t('dues.action.manage'), `dp:v:${cellId}:${packMonth(d.currentMonth)}`)]);
    lines.push(t('dues.sources', { dues: cite(rulesOn(d.today).sources.dues) }));
    ctx.reply({ text: lines.join('\n'), choices });
  }

  function amountPrompt(ctx: Ctx, line: MonthLine): OutMessage {
    const rest = remaining(line);
    const rows: Choice[][] = rest !== null && rest > 0 ? [[choice(ctx.t('dues.declare.exact', { amount: formatMoney(rest) }), 'fl:exact')]] : [];
    rows.push(cancelRow(ctx));
    return { text: ctx.t(rest === null ? 'dues.declare.askAmountUnknown' : 'dues.declare.askAmount', { month: formatMonth(line.month), due: amountText(ctx.t, rest) }), choices: rows };
  }

  function startDeclare(ctx: Ctx, chargeId: number, method: PaymentMethod): void {
    const { line, member } = dues.checkDeclarable(ctx.caller, chargeId);
    ctx.setFlow('dues', 'amount', { chargeId, method, numeric: true }, member.cellId);
    ctx.reply(amountPrompt(ctx, line));
  }

  function pickMethod(ctx: Ctx, chargeId: number): void {
    const { line } = dues.checkDeclarable(ctx.caller, chargeId);
    ctx.reply({ text: ctx.t('dues.declare.askMethod', { month: formatMonth(line.month), due: amountText(ctx.t, remaining(line)) }), choices: [declareRow(ctx.t, chargeId), cancelRow(ctx)] });
  }

  function finishDeclare(ctx: Ctx, data: Record<string, unknown>, receiptRef: string | null): void {
    const method = data.method === 'portal' ? 'portal' : 'cash';
    const r = dues.declare(ctx.caller, Number(data.chargeId), method, Number(data.amount), receiptRef);
    ctx.clearFlow();
    const { t } = ctx;
    ctx.reply({ text: `${t('dues.declare.done', { amount: formatMoney(r.payment.amount), month: formatMonth(r.payment.month), method: t(`dues.method.${method}`) })}${receiptRef ? ` ${t('dues.declare.doneReceipt')}` : ''}` });
    for (const c of r.confirmers) {
      ctx.deps.services.notifier.toPerson(c.personId, r.cell.id, `dues:card:${r.payment.id}:${c.personId}`, (tt) => confirmationCard(tt, r.cell.name, r.member, r.line, r.payment));
    }
  }

  function confirmationCard(t: Translate, cellName: string, member: MemberRow, line: MonthLine, p: DuesPaymentRow): OutMessage {
    const due = line.due;
    const notes: string[] = [];
    if (due !== null && p.amount < (remaining(line) ?? due)) notes.push(t('dues.card.partial', { amount: formatMoney(remaining(line) ?? due) }));
    if (due !== null && p.amount > (remaining(line) ?? due)) notes.push(t('dues.card.over', { amount: formatMoney(remaining(line) ?? due) }));
    if (p.timing !== 'on_time') notes.push(t(`dues.timing.${p.timing}`));
    if (p.receiptRef) notes.push(receiptNote(t, p.receiptRef));
    return {
      text: [t('dues.card.text', { cell: cellName, name: member.fullName, month: formatMonth(p.month), amount: formatMoney(p.amount), method: t(`dues.method.${p.method}`), due: amountText(t, due) }), ...notes].join('\n'),
      choices: [[choice(t('dues.card.received'), `dp:ok:${p.id}`), choice(t('dues.card.notReceived'), `dp:no:${p.id}`)]],
    };
  }

  /** A Zalo photo is an https address the collector can open; a Telegram file_id means nothing outside the bot. */
  function receiptNote(t: Translate, ref: string): string {
    const [channel, ...rest] = ref.split(':');
    const value = rest.join(':');
    return channel === 'zalo' && /^https:\/\//.test(value) ? t('dues.card.receiptLink', { url: value }) : t('dues.card.receiptKept', { channel: t(`channels.${channel ?? 'telegram'}`) });
  }

  function decide(ctx: Ctx, paymentId: number, received: boolean): void {
    const r = dues.decide(ctx.caller, paymentId, received);
    const { t } = ctx;
    const vars = { name: r.member.fullName, month: formatMonth(r.payment.month), amount: formatMoney(r.payment.amount) };
    ctx.toast = t(received ? 'dues.card.confirmedToast' : 'dues.card.refusedToast');
    ctx.reply({ text: t(received ? 'dues.card.confirmed' : 'dues.card.refused', vars), replaceOrigin: true });
    ctx.deps.services.notifier.toPerson(r.member.personId, r.cell.id, `dues:decided:${paymentId}`, (tt) => {
      if (!received) return { text: tt('dues.notice.refused', vars), choices: [declareRow(tt, r.line.chargeId)] };
      const rest = remaining(r.line);
      const extra = r.line.settlement === 'partial' && rest ? ` ${tt('dues.notice.stillOwed', { rest: formatMoney(rest) })}` : r.line.settlement === 'over' ? ` ${tt('dues.notice.thanksOver')}` : '';
      return { text: `${tt('dues.notice.confirmed', vars)}${extra}` };
    });
  }

  function askMonth(ctx: Ctx, cellId: number): void {
    const current = monthOf(dues.today(cellId));
    ctx.setFlow('dues', 'month', { cellId }, cellId);
    ctx.reply({ text: ctx.t('dues.declare.askMonth', { example: formatMonth(addMonths(current, 1)) }), choices: [cancelRow(ctx)] });
  }

  function startRelief(ctx: Ctx, chargeId: number): void {
    const { line, member } = dues.ownLine(ctx.caller, chargeId);
    ctx.setFlow('dues', 'reason', { chargeId }, member.cellId);
    ctx.reply({ text: ctx.t('dues.declare.askReason', { month: formatMonth(line.month) }), choices: [cancelRow(ctx)] });
  }

  /** Typed answers while a member declares a payment or asks for relief. */
  function memberStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const { t } = ctx;
    if (step === 'amount') {
      const { line } = dues.checkDeclarable(ctx.caller, Number(data.chargeId));
      const amount = text === 'exact' ? remaining(line) : parseAmount(text);
      if (amount === null || amount <= 0) {
        const prompt = amountPrompt(ctx, line);
        ctx.reply({ ...prompt, text: `${t('errors.DUES.AMOUNT_INVALID')}\n${prompt.text}` });
        return;
      }
      if (data.method === 'portal') {
        ctx.setFlow('dues', 'receipt', { ...data, amount, acceptsFile: true, numeric: false });
        ctx.reply({ text: t('dues.declare.askReceipt'), choices: [[choice(t('dues.declare.noReceipt'), 'fl:skip')], cancelRow(ctx)] });
        return;
      }
      return finishDeclare(ctx, { ...data, amount }, null);
    }
    if (step === 'receipt') {
      const file = ctx.in.file;
      if (file?.kind === 'photo' || file?.kind === 'document') return finishDeclare(ctx, data, `${ctx.in.channel}:${file.ref}`);
      if (text === 'skip') return finishDeclare(ctx, data, null);
      ctx.reply({ text: t('dues.declare.receiptOnlyPhoto'), choices: [[choice(t('dues.declare.noReceipt'), 'fl:skip')], cancelRow(ctx)] });
      return;
    }
    if (step === 'month') {
      const cellId = Number(data.cellId);
      const month = parseTypedMonth(text, monthOf(dues.today(cellId)));
      try {
        if (!month) throw new DomainError('DUES.MONTH_INVALID');
        const line = dues.chargeForMonth(ctx.caller, cellId, month);
        dues.checkDeclarable(ctx.caller, line.chargeId);
        ctx.clearFlow();
        return pickMethod(ctx, line.chargeId);
      } catch (err) {
        if (!isDomainError(err)) throw err;
        ctx.reply({ text: `${t(`errors.${err.code}`, err.params)}\n${t('dues.declare.askMonthAgain')}`, choices: [cancelRow(ctx)] });
        return;
      }
    }
    if (step === 'reason') {
      const reason = text.trim();
      if (reason.length === 0 || reason.length > MAX_REASON) {
        ctx.reply({ text: t('dues.declare.askReason', { month: '' }), choices: [cancelRow(ctx)] });
        return;
      }
      const r = dues.requestRelief(ctx.caller, Number(data.chargeId));
      ctx.clearFlow();
      for (const leader of r.leaders) {
        ctx.deps.services.notifier.toPerson(leader.personId, r.member.cellId, `dues:reliefreq:${ctx.in.channel}:${ctx.in.updateKey}:${leader.personId}`, (tt) => ({
          text: tt('dues.notice.reliefRequest', { cell: dues.cell(r.member.cellId).name, name: r.member.fullName, month: formatMonth(r.line.month), reason }),
          choices: [[choice(tt('dues.action.memberCard', { name: r.member.fullName }), `dp:mm:${r.member.id}`)]],
        }));
      }
      ctx.reply({ text: t('dues.declare.reasonSent') });
      return;
    }
    ctx.clearFlow();
  }

  // ---------------------------------------------------------------------------------------------
  // the collector's and the secretary's screens

  function overview(ctx: Ctx, cellId: number, month: Month): void {
    const v = dues.cellMonth(ctx.caller, cellId, month);
    const { t } = ctx;
    const s = v.totals;
    const group = (title: string, rows: typeof v.rows, amount: (l: MonthLine) => string): string[] => (rows.length > 0 ? [t(title), ...rows.map((r) => t('dues.cell.row', { name: r.member.fullName, amount: amount(r.line as MonthLine) }))] : []);
    const withLine = v.rows.filter((r) => r.line);
    const lines = [
      t('dues.cell.title', { month: formatMonth(month), cell: v.cell.name }),
      t('dues.cell.counts', { paid: s.paid, owing: s.owing, pending: s.pending, partial: s.partial, unpaid: s.unpaid, exempt: s.exempt }),
      t('dues.cell.money', { due: formatMoney(s.due), collected: formatMoney(s.collected), share: `${Math.round(s.shareKept * 100)} %`, kept: formatMoney(s.kept), up: formatMoney(s.up) }),
      '',
      ...group('dues.cell.paidTitle', withLine.filter((r) => r.line && r.line.due !== 0 && isSettled(r.line.settlement)), (l) => formatMoney(l.confirmed)),
      ...group('dues.cell.partialTitle', withLine.filter((r) => r.line?.settlement === 'partial'), (l) => t('dues.status.partial', { paid: formatMoney(l.confirmed), rest: formatMoney(remaining(l) ?? 0) })),
      ...group('dues.cell.pendingTitle', withLine.filter((r) => r.line?.pending && !isSettled(r.line.settlement) && r.line.settlement !== 'partial'), (l) => amountText(t, l.due)),
      ...group('dues.cell.unpaidTitle', withLine.filter((r) => r.line?.settlement === 'unpaid' && !r.line.pending), (l) => amountText(t, l.due)),
      ...group('dues.cell.exemptTitle', withLine.filter((r) => r.line?.due === 0 && r.line.confirmed === 0), (l) => (l.reliefKind ? reliefText(t, l.reliefKind, l.percentOff) : t('dues.doc.exempt'))),
    ];
    const arrears = v.rows.filter((r) => r.arrears.length > 0);
    if (arrears.length > 0) lines.push('', t('dues.cell.arrearsTitle'), ...arrears.map((r) => t('dues.cell.row', { name: r.member.fullName, amount: r.arrears.map((a) => `${formatMonth(a.month)} (${amountText(t, remaining(a))})`).join('; ') })));
    lines.push('', t('dues.cell.private'));
    const nav: Choice[] = [choice(t('dues.manage.prev'), `dp:v:${cellId}:${packMonth(addMonths(month, -1))}`)];
    if (month < v.currentMonth) nav.push(choice(t('dues.manage.next'), `dp:v:${cellId}:${packMonth(addMonths(month, 1))}`));
    const pendingCount = dues.pending(ctx.caller, cellId).length;
    const { year, quarter } = quarterOf(month);
    const choices: Choice[][] = [nav];
    if (pendingCount > 0) choices.push([choice(t('dues.manage.pending', { n: pendingCount }), `dp:pq:${cellId}`)]);
    choices.push(
      [choice(t('dues.manage.members'), `dp:ml:${cellId}:mm`)],
      [choice(t('dues.manage.record'), `dp:ml:${cellId}:r1`), choice(t('dues.manage.correct'), `dp:ml:${cellId}:c1`)],
      [choice(t('dues.manage.ledger'), `dp:xl:${cellId}`)],
      [choice(t('dues.manage.reportMonth', { month: formatMonth(month) }), `dp:rm:${cellId}:${packMonth(month)}`), choice(t('dues.manage.reportQuarter', { quarter, year }), `dp:rq:${cellId}:${year}:${quarter}`)],
      [choice(t('dues.action.mine'), `dp:me:${cellId}`)],
    );
    ctx.reply({ text: lines.join('\n'), choices });
  }

  function pendingList(ctx: Ctx, cellId: number): void {
    const items = dues.pending(ctx.caller, cellId);
    if (items.length === 0) {
      ctx.reply({ text: ctx.t('dues.admin.noPending') });
      return;
    }
    const lines = items.map(({ payment: p, member }) => ctx.t('dues.admin.pendingLine', { name: member.fullName, month: formatMonth(p.month), amount: formatMoney(p.amount), method: ctx.t(`dues.method.${p.method}`) }));
    const choices = items.slice(0, 10).map(({ payment: p, member }) => [choice(ctx.t('dues.admin.receivedFrom', { name: member.fullName, month: formatMonth(p.month) }), `dp:ok:${p.id}`), choice(ctx.t('dues.card.notReceived'), `dp:no:${p.id}`)]);
    ctx.reply({ text: [ctx.t('dues.admin.pendingTitle'), ...lines].join('\n'), choices });
  }

  function memberList(ctx: Ctx, cellId: number, purpose: string): void {
    dues.requireManager(ctx.caller, cellId, purpose === 'c1' ? 'dues.correct' : purpose === 'r1' ? 'dues.collect' : 'dues.view');
    const members = ctx.deps.repos.members.list(cellId, ['active']);
    ctx.reply({ text: ctx.t('dues.admin.pickMember'), choices: [...oneColumn(members.slice(0, 60).map((m) => choice(m.fullName, `dp:${purpose}:${m.id}`))), cancelRow(ctx)] });
  }

  /** A member's dues as the collector or secretary sees them; `notice` (what was just saved) goes on top, in the same message. */
  function memberCard(ctx: Ctx, memberId: number, notice?: string): void {
    const d = dues.ofMember(ctx.caller, memberId);
    const { t } = ctx;
    const changes = d.bases.map((b) =>
      t('dues.member.basisLine', {
        from: formatMonth(b.fromMonth),
        category: t(`dues.category.${b.category}`),
        detail: b.fixedAmount !== null ? t('dues.member.fixedDetail', { amount: formatMoney(b.fixedAmount) }) : b.incomeBase !== null ? t('dues.member.baseDetail', { amount: formatMoney(b.incomeBase) }) : '',
        date: formatIsoDate(new Date(b.createdAt).toISOString().slice(0, 10)),
      }),
    );
    const lines = [...(notice ? [notice, ''] : []), t('dues.member.title', { name: d.member.fullName }), ...basisLines(t, d), ...(changes.length > 0 ? ['', t('dues.member.changes'), ...changes] : []), '', t('dues.mine.history'), ...historyLines(t, d), '', t('dues.cell.private')];
    const choices: Choice[][] = [[choice(t('dues.member.setBasis'), `dp:bc:${memberId}`)], [choice(t('dues.member.setFixed'), `dp:bf:${memberId}`)]];
    if (d.basis?.fixedAmount !== null && d.basis?.fixedAmount !== undefined) choices.push([choice(t('dues.member.clearFixed'), `dp:bx:${memberId}`)]);
    choices.push([choice(t('dues.member.exempt'), `dp:xe:${memberId}`), choice(t('dues.member.reduce'), `dp:xr:${memberId}`)]);
    for (const r of d.reliefs.filter((x) => x.toMonth === null || x.toMonth >= d.currentMonth).slice(0, 3)) choices.push([choice(t('dues.member.endRelief', { relief: reliefText(t, r.kind, r.percent) }), `dp:xn:${r.id}`)]);
    choices.push([choice(t('dues.member.back'), `dp:ml:${d.member.cellId}:mm`)]);
    ctx.reply({ text: lines.join('\n'), choices });
  }

  function askFrom(ctx: Ctx, cellId: number, data: Record<string, unknown>, step = 'from', key = 'dues.admin.askFrom'): void {
    const current = monthOf(dues.today(cellId));
    ctx.setFlow('duesAdmin', step, data, cellId);
    ctx.reply({
      text: ctx.t(key, { example: formatMonth(current) }),
      choices: [[choice(ctx.t('dues.admin.thisMonth', { month: formatMonth(current) }), `fl:${packMonth(current)}`), choice(ctx.t('dues.admin.nextMonth', { month: formatMonth(addMonths(current, 1)) }), `fl:${packMonth(addMonths(current, 1))}`)], cancelRow(ctx)],
    });
  }

  function target(ctx: Ctx, memberId: number): MemberRow {
    const d = dues.ofMember(ctx.caller, memberId);
    return d.member;
  }

  /** The month a manager typed or picked; null (with the question asked again) when it is not one. */
  function monthAnswer(ctx: Ctx, cellId: number, text: string): Month | null {
    const month = unpackMonth(text) ?? parseTypedMonth(text, monthOf(dues.today(cellId)));
    if (!month) ctx.reply({ text: `${ctx.t('errors.DUES.MONTH_INVALID')}\n${ctx.t('dues.admin.monthAgain')}`, choices: [cancelRow(ctx)] });
    return month;
  }

  function savedBasis(ctx: Ctx, memberId: number, month: Month): void {
    const d = dues.ofMember(ctx.caller, memberId);
    const line = d.history.find((l) => l.month === month) ?? d.current;
    ctx.clearFlow();
    memberCard(ctx, memberId, ctx.t('dues.admin.saved', { name: d.member.fullName, month: formatMonth(line?.month ?? month), amount: amountText(ctx.t, line?.due ?? null) }));
  }

  /** Typed answers in the collector's and secretary's dialogues. */
  function adminStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const { t } = ctx;
    const memberId = Number(data.memberId);
    const cellId = Number(ctx.conv?.cellId ?? 0);
    const again = (key: string, params: Record<string, string | number> = {}) => ctx.reply({ text: `${t(key, params)}`, choices: [cancelRow(ctx)] });
    switch (step) {
      case 'base': {
        const amount = parseAmount(text);
        if (amount === null || amount <= 0) return again('dues.admin.amountAgain');
        return askFrom(ctx, cellId, { ...data, base: amount });
      }
      case 'fixed': {
        const amount = parseAmount(text);
        if (amount === null) return again('dues.admin.amountAgain');
        return askFrom(ctx, cellId, { ...data, fixed: amount });
      }
      case 'from': {
        const month = monthAnswer(ctx, cellId, text);
        if (!month) return;
        const d = dues.ofMember(ctx.caller, memberId);
        const current = d.bases.length > 0 ? d.basis : null;
        const category = (data.category as DuesCategory | undefined) ?? current?.category ?? d.member.duesCategory;
        const base = data.base === undefined ? (current?.incomeBase ?? null) : Number(data.base);
        const fixed = data.op === 'fixed' ? Number(data.fixed) : null;
        dues.setBasis(ctx.caller, memberId, { fromMonth: month, category, incomeBase: base, fixedAmount: fixed });
        return savedBasis(ctx, memberId, month);
      }
      case 'decision': {
        const decision = text.trim();
        if (decision.length === 0 || decision.length > 300) return again('dues.admin.askDecision');
        return askFrom(ctx, cellId, { ...data, decision }, 'reliefFrom', 'dues.admin.askReliefFrom');
      }
      case 'reliefFrom': {
        const month = monthAnswer(ctx, cellId, text);
        if (!month) return;
        if (data.kind === 'hardship') {
          // Asked as a month, not a count: on Zalo a typed small number would pick a numbered choice.
          ctx.setFlow('duesAdmin', 'reliefTo', { ...data, from: month }, cellId);
          ctx.reply({ text: t('dues.admin.askReliefToHardship', { example: formatMonth(addMonths(month, 2)), max: rulesOn(`${month}-01`).dues.hardshipMaxMonths }), choices: [cancelRow(ctx)] });
          return;
        }
        ctx.setFlow('duesAdmin', 'reliefTo', { ...data, from: month }, cellId);
        ctx.reply({ text: t('dues.admin.askReliefTo'), choices: [[choice(t('dues.admin.openEnded'), 'fl:none')], cancelRow(ctx)] });
        return;
      }
      case 'reliefTo': {
        const from = String(data.from);
        let to: Month | null;
        if (data.kind !== 'hardship' && (text === 'none' || /^(không|khong)/i.test(text.trim()))) to = null;
        else {
          to = monthAnswer(ctx, cellId, text);
          if (!to) return;
        }
        const kind = data.kind as ReliefKind;
        const percent = Number(data.percent);
        dues.addRelief(ctx.caller, memberId, { kind, percent, fromMonth: from, toMonth: to, decision: String(data.decision) });
        ctx.clearFlow();
        return memberCard(ctx, memberId, t('dues.admin.reliefSaved', { relief: reliefText(t, kind, percent), name: target(ctx, memberId).fullName, from: formatMonth(from), to: to ? formatMonth(to) : t('dues.openEnded') }));
      }
      case 'reliefEnd': {
        const month = monthAnswer(ctx, cellId, text);
        if (!month) return;
        const r = dues.endRelief(ctx.caller, Number(data.reliefId), month);
        ctx.clearFlow();
        return memberCard(ctx, r.memberId, t('dues.admin.reliefEnded', { relief: reliefText(t, r.kind, r.percent), month: formatMonth(month) }));
      }
      case 'recMonth': {
        const month = monthAnswer(ctx, cellId, text);
        if (!month) return;
        const d = dues.ofMember(ctx.caller, memberId);
        const line = d.history.find((l) => l.month === month);
        const rest = line ? remaining(line) : null;
        ctx.setFlow('duesAdmin', 'recAmount', { ...data, month, rest, numeric: true }, cellId);
        const rows: Choice[][] = rest !== null && rest > 0 ? [[choice(t('dues.declare.exact', { amount: formatMoney(rest) }), 'fl:exact')]] : [];
        ctx.reply({ text: t('dues.admin.recAmount', { name: d.member.fullName, month: formatMonth(month), due: amountText(t, rest) }), choices: [...rows, cancelRow(ctx)] });
        return;
      }
      case 'recAmount': {
        const amount = text === 'exact' && typeof data.rest === 'number' ? data.rest : parseAmount(text);
        if (amount === null || amount <= 0) return again('dues.admin.amountAgain');
        ctx.setFlow('duesAdmin', 'recMethod', { ...data, amount, numeric: false }, cellId);
        ctx.reply({ text: t('dues.admin.recMethod'), choices: [[choice(t('dues.method.cash'), 'fl:c'), choice(t('dues.method.portal'), 'fl:p')], cancelRow(ctx)] });
        return;
      }
      case 'recMethod': {
        const method = methodOf(text) ?? (/tiền mặt|tien mat|cash/i.test(text) ? 'cash' : /cổng|cong|portal|dvc/i.test(text) ? 'portal' : null);
        if (!method) return again('dues.admin.recMethod');
        const r = dues.record(ctx.caller, memberId, String(data.month), Number(data.amount), method);
        ctx.clearFlow();
        const vars = { name: r.member.fullName, month: formatMonth(r.payment.month), amount: formatMoney(r.payment.amount), method: t(`dues.method.${method}`) };
        ctx.reply({ text: t('dues.admin.recorded', vars) });
        ctx.deps.services.notifier.toPerson(r.member.personId, r.cell.id, `dues:recorded:${r.payment.id}`, (tt) => ({ text: tt('dues.notice.recorded', { ...vars, method: tt(`dues.method.${method}`) }) }));
        return;
      }
      case 'corAmount': {
        // "0" typed alone leaves any dialogue, so cancelling a payment has its own choice.
        const amount = text === 'void' ? 0 : parseAmount(text);
        if (amount === null) return again('dues.admin.amountAgain');
        ctx.setFlow('duesAdmin', 'corReason', { ...data, amount, numeric: false }, cellId);
        ctx.reply({ text: t('dues.admin.askReason'), choices: [cancelRow(ctx)] });
        return;
      }
      case 'corReason': {
        const reason = text.trim();
        if (reason.length === 0) return again('dues.admin.askReason');
        const r = dues.correct(ctx.caller, Number(data.paymentId), Number(data.amount), reason);
        ctx.clearFlow();
        const vars = { name: r.member.fullName, month: formatMonth(r.payment.month), from: formatMoney(r.oldAmount), to: formatMoney(Number(data.amount)), reason };
        ctx.reply({ text: t('dues.admin.corrected', vars) });
        ctx.deps.services.notifier.toPerson(r.member.personId, r.cell.id, `dues:corrected:${ctx.in.channel}:${ctx.in.updateKey}`, (tt) => ({ text: tt('dues.notice.corrected', vars) }));
        return;
      }
    }
    ctx.clearFlow();
  }

  async function sendLedger(ctx: Ctx, cellId: number): Promise<void> {
    const file = await reports.ledger(ctx.caller, cellId);
    const caption = ctx.t('dues.files.ledgerCaption', { cell: dues.cell(cellId).name });
    ctx.reply({ text: ctx.t('dues.files.ledgerText'), attachments: [{ kind: 'document', filename: file.filename, mime: file.mime, data: file.data, caption }] });
  }

  async function sendReport(ctx: Ctx, cellId: number, period: { kind: 'month'; month: Month } | { kind: 'quarter'; year: number; quarter: number }): Promise<void> {
    const file = await reports.report(ctx.caller, cellId, period);
    const label = period.kind === 'month' ? ctx.t('dues.doc.periodMonth', { month: formatMonth(period.month) }) : ctx.t('dues.doc.periodQuarter', { quarter: ['I', 'II', 'III', 'IV'][period.quarter - 1] ?? '', year: period.year });
    const caption = ctx.t('dues.files.reportCaption', { period: label, cell: dues.cell(cellId).name });
    ctx.reply({ text: ctx.t('dues.files.reportText'), attachments: [{ kind: 'document', filename: file.filename, mime: file.mime, data: file.data, caption }] });
  }

  async function action(ctx: Ctx, [what, a, b, c]: string[]): Promise<void> {
    const { t } = ctx;
    switch (what) {
      case 'd': {
        const method = methodOf(b);
        if (!method) break;
        return startDeclare(ctx, parseId(a), method);
      }
      case 'm':
        return pickMethod(ctx, parseId(a));
      case 'o':
        ctx.deps.services.access.requireMember(ctx.caller, parseId(a), 'dues.declare');
        return askMonth(ctx, parseId(a));
      case 'r':
        return startRelief(ctx, parseId(a));
      case 'ok':
      case 'no':
        return decide(ctx, parseId(a), what === 'ok');
      case 'me':
        return mine(ctx, parseId(a));
      case 'v': {
        const month = unpackMonth(b);
        if (!month) break;
        return overview(ctx, parseId(a), month);
      }
      case 'pq':
        return pendingList(ctx, parseId(a));
      case 'ml':
        if (b !== 'mm' && b !== 'r1' && b !== 'c1') break;
        return memberList(ctx, parseId(a), b);
      case 'mm':
        return memberCard(ctx, parseId(a));
      case 'bc': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.setAmount');
        ctx.reply({ text: t('dues.admin.pickCategory', { name: m.fullName }), choices: [...oneColumn(duesCategories.map((cat, i) => choice(t(`dues.category.${cat}`), `dp:bk:${m.id}:${i}`))), cancelRow(ctx)] });
        return;
      }
      case 'bk': {
        const category = duesCategories[Number(b)];
        if (!category) break;
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.setAmount');
        if (!needsBase(category)) return askFrom(ctx, m.cellId, { memberId: m.id, op: 'basis', category });
        ctx.setFlow('duesAdmin', 'base', { memberId: m.id, op: 'basis', category, numeric: true }, m.cellId);
        ctx.reply({ text: t('dues.admin.askBase', { label: baseLabel(t, category, monthOf(dues.today(m.cellId))), name: m.fullName }), choices: [cancelRow(ctx)] });
        return;
      }
      case 'bf': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.setAmount');
        ctx.setFlow('duesAdmin', 'fixed', { memberId: m.id, op: 'fixed', numeric: true }, m.cellId);
        ctx.reply({ text: t('dues.admin.askFixed', { name: m.fullName }), choices: [cancelRow(ctx)] });
        return;
      }
      case 'bx': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.setAmount');
        return askFrom(ctx, m.cellId, { memberId: m.id, op: 'unfix' });
      }
      case 'xe': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.relief');
        const grounds = rulesOn(dues.today(m.cellId)).dues.exemptionGrounds;
        ctx.reply({ text: t('dues.admin.pickGround', { name: m.fullName }), choices: [...oneColumn(grounds.map((g) => choice(t(`dues.relief.${g}`), `dp:xg:${m.id}:${reliefKinds.indexOf(g)}`))), cancelRow(ctx)] });
        return;
      }
      case 'xg': {
        const kind = reliefKinds[Number(b)];
        if (!kind || kind === 'hardship') break;
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.relief');
        ctx.setFlow('duesAdmin', 'decision', { memberId: m.id, kind, percent: 100 }, m.cellId);
        ctx.reply({ text: t('dues.admin.askDecision'), choices: [cancelRow(ctx)] });
        return;
      }
      case 'xr': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.relief');
        const percents = rulesOn(dues.today(m.cellId)).dues.hardshipReductions.map((x) => Math.round(x * 100));
        ctx.reply({
          text: t('dues.admin.pickPercent', { name: m.fullName, max: rulesOn(dues.today(m.cellId)).dues.hardshipMaxMonths }),
          choices: [percents.map((p) => choice(t('dues.relief.reduced', { percent: p }), `dp:xp:${m.id}:${p}`)), [choice(t('dues.admin.hardshipFull'), `dp:xp:${m.id}:100`)], cancelRow(ctx)],
        });
        return;
      }
      case 'xp': {
        const percent = Number(b);
        if (![30, 50, 70, 100].includes(percent)) break;
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.relief');
        ctx.setFlow('duesAdmin', 'decision', { memberId: m.id, kind: 'hardship', percent }, m.cellId);
        ctx.reply({ text: t('dues.admin.askDecision'), choices: [cancelRow(ctx)] });
        return;
      }
      case 'xn': {
        const reliefId = parseId(a);
        const relief = dues.repo.relief(reliefId);
        if (!relief) throw new DomainError('DUES.NOT_FOUND');
        dues.requireManager(ctx.caller, relief.cellId, 'dues.relief');
        return askFrom(ctx, relief.cellId, { reliefId, memberId: relief.memberId }, 'reliefEnd', 'dues.admin.askEnd');
      }
      case 'r1': {
        const m = target(ctx, parseId(a));
        dues.requireManager(ctx.caller, m.cellId, 'dues.collect');
        return askFrom(ctx, m.cellId, { memberId: m.id, name: m.fullName }, 'recMonth', 'dues.admin.recMonth');
      }
      case 'c1': {
        const m = target(ctx, parseId(a));
        const payments = dues.confirmedOf(ctx.caller, m.id);
        if (payments.length === 0) {
          ctx.reply({ text: t('dues.admin.noPayments') });
          return;
        }
        ctx.reply({ text: t('dues.admin.pickPayment', { name: m.fullName }), choices: [...oneColumn(payments.slice(0, 12).map((p) => choice(t('dues.admin.paymentLabel', { month: formatMonth(p.month), amount: formatMoney(p.amount), method: t(`dues.method.${p.method}`) }), `dp:c2:${p.id}`))), cancelRow(ctx)] });
        return;
      }
      case 'c2': {
        const { payment } = dues.payment(ctx.caller, parseId(a));
        dues.requireManager(ctx.caller, payment.cellId, 'dues.correct');
        if (payment.status !== 'confirmed') throw new DomainError('DUES.NOT_CONFIRMED');
        ctx.setFlow('duesAdmin', 'corAmount', { paymentId: payment.id, numeric: true }, payment.cellId);
        ctx.reply({ text: t('dues.admin.askNewAmount', { month: formatMonth(payment.month), amount: formatMoney(payment.amount) }), choices: [[choice(t('dues.admin.voidPayment'), 'fl:void')], cancelRow(ctx)] });
        return;
      }
      case 'xl':
        return sendLedger(ctx, parseId(a));
      case 'rm': {
        const month = unpackMonth(b);
        if (!month) break;
        return sendReport(ctx, parseId(a), { kind: 'month', month });
      }
      case 'rq': {
        const year = Number(b);
        const quarter = Number(c);
        if (!Number.isInteger(year) || !Number.isInteger(quarter)) break;
        return sendReport(ctx, parseId(a), { kind: 'quarter', year, quarter });
      }
    }
    return ctx.run('unknown_command');
  }

  return {
    commands: { dangphi: show },
    actions: { dp: action },
    flows: { dues: memberStep, duesAdmin: adminStep },
  };
}

/** What the income base is called for a category, under the rules in force that month. */
function baseLabel(t: Translate, category: DuesCategory, month: Month): string {
  if (category === 'insured') return t(`dues.base.insured.${rulesOn(`${month}-01`).dues.insuredBase}`);
  return t(`dues.base.${category}`);
}

import { checkDeadline, displayOrder, isFinished, parseDeadline, quickDeadlines, stateOf } from '../../domain/assignments.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { criteria, isCriterion } from '../../domain/monthlyCheck.js';
import { dayLabel, leaderChoices, assigneeChoices, stateText, taskText } from '../../services/assignments-messages.js';
import type { AssignmentService, AssignmentView } from '../../services/assignments.js';
import type { Ctx, Feature } from '../context.js';
import { isoDateIn } from '../format.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, cmdChoice, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

export interface AssignmentsFeatureDeps {
  assignments: AssignmentService;
}

const leaders = ['secretary', 'deputy'] as const;
const PAGE = 15;

/** Titles on buttons and in lists stay short; the card shows them in full. */
const short = (s: string, max = 48): string => ([...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s);

/**
 * Assignments in the chat: `/phancong` walks a leader through giving a task (member, what,
 * deadline, criterion, confirm); the member answers from the private notice or `/congviec`
 * ("Nhận", "Gặp khó khăn" with a note, "Đã hoàn thành"); leaders confirm, return, move or cancel
 * from the task's card. Dialogue state lives in the database (`ctx.setFlow`).
 */
export function assignmentsFeature(deps: AssignmentsFeatureDeps): Feature {
  const { assignments } = deps;

  const tzOf = (ctx: Ctx, cellId: number): string => ctx.deps.services.cells.get(cellId).timezone;
  const todayIn = (ctx: Ctx, cellId: number): string => isoDateIn(ctx.deps.clock.now(), tzOf(ctx, cellId));

  // ---- /phancong ------------------------------------------------------------------------------------

  function start(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'phancong', leaders, (cellId) => pickMember(ctx, cellId, 0));
  }

  function pickMember(ctx: Ctx, cellId: number, page: number): void {
    const all = assignments.assignable(ctx.caller, cellId);
    const cell = ctx.deps.services.cells.get(cellId);
    const pages = Math.max(1, Math.ceil(all.length / 20));
    const current = Math.min(Math.max(page, 0), pages - 1);
    const rows: Choice[][] = oneColumn(all.slice(current * 20, current * 20 + 20).map((m) => choice(m.fullName, `as:pm:${cellId}:${m.id}`)));
    const nav: Choice[] = [];
    if (current > 0) nav.push(choice(ctx.t('members.prev'), `as:pg:${cellId}:${current - 1}`));
    if (current < pages - 1) nav.push(choice(ctx.t('members.next'), `as:pg:${cellId}:${current + 1}`));
    if (nav.length > 0) rows.push(nav);
    rows.push(cancelRow(ctx));
    ctx.reply({ text: ctx.t('assignments.new.pickMember', { cell: cell.name }), choices: rows });
  }

  function chooseMember(ctx: Ctx, cellId: number, memberId: number): void {
    assignments.checkInput(ctx.caller, cellId, { memberId });
    const name = ctx.deps.repos.members.get(memberId)?.fullName ?? '';
    ctx.setFlow('assign', 'title', { cellId, memberId, name }, cellId);
    ctx.reply({ text: ctx.t('assignments.new.askTitle', { name }), choices: [cancelRow(ctx)] });
  }

  function askDeadline(ctx: Ctx, cellId: number, questionKey: string, params: Record<string, string | number> = {}): void {
    const quick = quickDeadlines(todayIn(ctx, cellId));
    const tz = tzOf(ctx, cellId);
    const label = (key: string, iso: string) => ctx.t(key, { date: dayLabel(iso, tz, ctx.locale) });
    ctx.reply({
      text: ctx.t(questionKey, params),
      choices: [
        [choice(label('assignments.new.inAWeek', quick.inAWeek), `fl:${quick.inAWeek}`)],
        [choice(label('assignments.new.endOfMonth', quick.endOfMonth), `fl:${quick.endOfMonth}`)],
        [choice(label('assignments.new.endOfNextMonth', quick.endOfNextMonth), `fl:${quick.endOfNextMonth}`)],
        cancelRow(ctx),
      ],
    });
  }

  function criterionChoices(ctx: Ctx): Choice[][] {
    return [...oneColumn(criteria.map((c) => choice(ctx.t('assignments.new.criterionChoice', { n: c, name: ctx.t(`monthlyCheck.criterion.${c}`) }), `as:cr:${c}`))), cancelRow(ctx)];
  }

  /** Typed answers while giving a task: its title, then its deadline. */
  function assignStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const cellId = parseId(String(data.cellId));
    if (step === 'title') {
      try {
        assignments.checkInput(ctx.caller, cellId, { title: text });
      } catch (err) {
        if (isDomainError(err) && (err.code === 'ASSIGNMENT.TITLE_INVALID' || err.code === 'MEMBER.ID_NUMBER')) {
          ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('assignments.new.askTitleAgain')}`, choices: [cancelRow(ctx)] });
          return;
        }
        ctx.clearFlow();
        throw err;
      }
      ctx.setFlow('assign', 'deadline', { ...data, title: text.replace(/\s+/g, ' ').trim() }, cellId);
      return askDeadline(ctx, cellId, 'assignments.new.askDeadline');
    }
    if (step === 'deadline') {
      const deadline = parseDeadline(text, ctx.deps.clock.now(), tzOf(ctx, cellId));
      if (deadline === null || checkDeadline(deadline, todayIn(ctx, cellId))) {
        return askDeadline(ctx, cellId, 'assignments.new.deadlineAgain', { error: ctx.t(deadline === null ? 'assignments.dateUnreadable' : 'errors.ASSIGNMENT.DEADLINE_INVALID') });
      }
      ctx.setFlow('assign', 'criterion', { ...data, deadline }, cellId);
      ctx.reply({ text: ctx.t('assignments.new.askCriterion'), choices: criterionChoices(ctx) });
      return;
    }
    // A criterion or a confirmation is chosen, not typed.
    ctx.reply({ text: ctx.t('common.useButtons'), choices: step === 'criterion' ? criterionChoices(ctx) : confirmChoices(ctx) });
  }

  function confirmChoices(ctx: Ctx): Choice[][] {
    return [[choice(ctx.t('assignments.new.give'), 'as:go')], cancelRow(ctx)];
  }

  function chooseCriterion(ctx: Ctx, n: number): void {
    const conv = ctx.conv;
    if (conv?.flow !== 'assign' || (conv.step !== 'criterion' && conv.step !== 'confirm')) {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    if (!isCriterion(n)) throw new DomainError('ASSIGNMENT.CRITERION_INVALID');
    const data: Record<string, unknown> = { ...conv.data, criterion: n };
    const cellId = parseId(String(data.cellId));
    ctx.setFlow('assign', 'confirm', data, cellId);
    const deadline = String(data.deadline);
    const lines = [
      ctx.t('assignments.new.summary'),
      ctx.t('assignments.card.assignee', { name: String(data.name) }),
      ctx.t('assignments.card.what', { title: String(data.title) }),
      ctx.t('assignments.card.deadline', { date: dayLabel(deadline, tzOf(ctx, cellId), ctx.locale) }),
      ctx.t('assignments.card.criterion', { n, name: ctx.t(`monthlyCheck.criterion.${n}`) }),
    ];
    if (deadline < todayIn(ctx, cellId)) lines.push('', ctx.t('assignments.new.pastDeadline'));
    lines.push('', ctx.t('assignments.new.confirmHint'));
    ctx.reply({ text: lines.join('\n'), choices: confirmChoices(ctx) });
  }

  function give(ctx: Ctx): void {
    const conv = ctx.conv;
    if (conv?.flow !== 'assign' || conv.step !== 'confirm') {
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const data = conv.data;
    const cellId = parseId(String(data.cellId));
    ctx.clearFlow();
    const row = assignments.create(ctx.caller, cellId, { memberId: Number(data.memberId), title: String(data.title), deadline: String(data.deadline), criterion: Number(data.criterion) });
    ctx.toast = ctx.t('assignments.new.givenToast');
    ctx.reply({
      text: ctx.t('assignments.new.given', { name: String(data.name), date: dayLabel(row.deadline, tzOf(ctx, cellId), ctx.locale) }),
      choices: [[cmdChoice(ctx.t('assignments.new.another'), 'phancong')], [choice(ctx.t('assignments.list.cellButton'), `as:ls:${cellId}:0`)]],
      replaceOrigin: true,
    });
  }

  // ---- /congviec ------------------------------------------------------------------------------------

  function list(ctx: Ctx): Promise<void> | void {
    if (!requirePrivate(ctx)) return;
    return withCell(ctx, 'congviec', 'any', (cellId) => mine(ctx, cellId));
  }

  function line(ctx: Ctx, v: AssignmentView, today: string, withName: boolean): string {
    const state = stateOf(v.row, today);
    const who = withName ? `${v.people.assignee}: ` : '';
    return ctx.t('assignments.list.line', { status: stateText(ctx.t, state), who, title: short(v.row.title, 80), date: dayLabel(v.row.deadline, v.cell.timezone, ctx.locale) });
  }

  function sorted(views: AssignmentView[], today: string): AssignmentView[] {
    return [...views].sort((a, b) => {
      const sa = displayOrder.indexOf(stateOf(a.row, today).status);
      const sb = displayOrder.indexOf(stateOf(b.row, today).status);
      return sa - sb || a.row.deadline.localeCompare(b.row.deadline) || a.row.id - b.row.id;
    });
  }

  function mine(ctx: Ctx, cellId: number): void {
    const views = assignments.mine(ctx.caller, cellId);
    const cell = ctx.deps.services.cells.get(cellId);
    const today = todayIn(ctx, cellId);
    const year = today.slice(0, 4);
    const current = sorted(views.filter((v) => !isFinished(v.row.status)), today);
    const finished = views.filter((v) => v.row.status === 'confirmed' && v.row.deadline.startsWith(year));
    const lines = [ctx.t('assignments.list.mineTitle', { cell: cell.name })];
    if (current.length === 0) lines.push(ctx.t('assignments.list.noneMine'));
    lines.push(...current.map((v) => `• ${line(ctx, v, today, false)}`));
    if (finished.length > 0) {
      const onTime = finished.filter((v) => !stateOf(v.row, today).late).length;
      lines.push('', ctx.t('assignments.list.finishedThisYear', { n: finished.length, onTime, year }));
    }
    const rows: Choice[][] = oneColumn(current.slice(0, PAGE).map((v) => choice(short(v.row.title), `as:v:${v.row.id}`)));
    if (assignments.canViewCell(ctx.caller, cellId)) rows.push([choice(ctx.t('assignments.list.cellButton'), `as:ls:${cellId}:0`)]);
    if (assignments.canManage(ctx.caller, cellId)) rows.push([cmdChoice(ctx.t('assignments.new.button'), 'phancong')]);
    if (current.length > 0) lines.push('', ctx.t('assignments.list.pickToOpen'));
    ctx.reply({ text: lines.join('\n'), choices: rows });
  }

  function cellList(ctx: Ctx, cellId: number, page: number): void {
    const all = assignments.ofCell(ctx.caller, cellId);
    const cell = ctx.deps.services.cells.get(cellId);
    const today = todayIn(ctx, cellId);
    const year = today.slice(0, 4);
    // What is still running, and this year's completed ones.
    const shown = sorted(all.filter((v) => v.row.status !== 'cancelled' && (!isFinished(v.row.status) || v.row.deadline.startsWith(year))), today);
    const count = (pred: (v: AssignmentView) => boolean) => shown.filter(pred).length;
    const st = (v: AssignmentView) => stateOf(v.row, today);
    const counts = ctx.t('assignments.list.counts', {
      late: count((v) => st(v).status === 'late'),
      blocked: count((v) => st(v).status === 'blocked'),
      open: count((v) => st(v).status === 'open'),
      accepted: count((v) => st(v).status === 'accepted'),
      awaiting: count((v) => st(v).awaitingConfirmation),
      done: count((v) => st(v).confirmed),
    });
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    const current = Math.min(Math.max(page, 0), pages - 1);
    const slice = shown.slice(current * PAGE, current * PAGE + PAGE);
    const lines = [ctx.t('assignments.list.cellTitle', { cell: cell.name, year }), counts, ''];
    if (shown.length === 0) lines.push(ctx.t('assignments.list.noneCell'));
    lines.push(...slice.map((v) => `• ${line(ctx, v, today, true)}`));
    if (pages > 1) lines.push(ctx.t('members.page', { page: current + 1, pages }));
    const rows: Choice[][] = oneColumn(slice.map((v) => choice(short(`${v.people.assignee}: ${v.row.title}`), `as:v:${v.row.id}`)));
    const nav: Choice[] = [];
    if (current > 0) nav.push(choice(ctx.t('members.prev'), `as:ls:${cellId}:${current - 1}`));
    if (current < pages - 1) nav.push(choice(ctx.t('members.next'), `as:ls:${cellId}:${current + 1}`));
    if (nav.length > 0) rows.push(nav);
    if (assignments.canManage(ctx.caller, cellId)) rows.push([cmdChoice(ctx.t('assignments.new.button'), 'phancong')]);
    ctx.reply({ text: lines.join('\n'), choices: rows });
  }

  // ---- one task ----------------------------------------------------------------------------------------

  function card(ctx: Ctx, id: number, opts: { replace?: boolean; prefix?: string } = {}): void {
    const v = assignments.get(ctx.caller, id);
    const today = todayIn(ctx, v.row.cellId);
    const rows: Choice[][] = [];
    if (v.isAssignee) rows.push(...assigneeChoices(ctx.t, v.row));
    if (v.canManage) rows.push(...leaderChoices(ctx.t, v.row));
    rows.push([choice(ctx.t('assignments.list.back'), v.canManage || !v.isAssignee ? `as:ls:${v.row.cellId}:0` : `as:my:${v.row.cellId}`)]);
    const body = taskText(ctx.t, ctx.locale, v.row, v.people, v.cell.timezone, today);
    ctx.reply({ text: opts.prefix ? `${opts.prefix}\n\n${body}` : body, choices: rows, replaceOrigin: opts.replace === true });
  }

  function respond(ctx: Ctx, id: number, event: 'accept' | 'resume' | 'done'): void {
    assignments.respond(ctx.caller, id, event);
    const key = { accept: 'assignments.reply.accepted', resume: 'assignments.reply.resumed', done: 'assignments.reply.done' }[event];
    ctx.toast = ctx.t(key);
    card(ctx, id, { replace: true, prefix: ctx.t(key) });
  }

  function askNote(ctx: Ctx, id: number, kind: 'block' | 'return'): void {
    const v = assignments.get(ctx.caller, id);
    if (kind === 'block' && !v.isAssignee) throw new DomainError('ASSIGNMENT.NOT_YOURS');
    if (kind === 'return' && !v.canManage) throw new DomainError('AUTH.FORBIDDEN');
    if (kind === 'return' && v.row.status !== 'done') throw new DomainError('ASSIGNMENT.STATE');
    if (kind === 'block' && !['open', 'accepted', 'blocked'].includes(v.row.status)) throw new DomainError('ASSIGNMENT.STATE');
    ctx.setFlow('assignNote', 'note', { id, kind }, v.row.cellId);
    ctx.reply({ text: ctx.t(kind === 'block' ? 'assignments.ask.blockNote' : 'assignments.ask.returnNote', { title: short(v.row.title, 80) }), choices: [cancelRow(ctx)] });
  }

  function noteStep(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
    const id = parseId(String(data.id));
    try {
      if (data.kind === 'block') assignments.respond(ctx.caller, id, 'block', text);
      else assignments.sendBack(ctx.caller, id, text);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'ASSIGNMENT.NOTE_INVALID' || err.code === 'MEMBER.ID_NUMBER')) {
        ctx.reply({ text: `${ctx.t(`errors.${err.code}`)}\n${ctx.t('assignments.ask.noteAgain')}`, choices: [cancelRow(ctx)] });
        return;
      }
      ctx.clearFlow();
      throw err;
    }
    ctx.clearFlow();
    card(ctx, id, { prefix: ctx.t(data.kind === 'block' ? 'assignments.reply.blocked' : 'assignments.reply.returned') });
  }

  function askDate(ctx: Ctx, id: number, kind: 'deadline' | 'doneOn'): void {
    const v = assignments.get(ctx.caller, id);
    if (!v.canManage) throw new DomainError('AUTH.FORBIDDEN');
    if (!['open', 'accepted', 'blocked'].includes(v.row.status)) throw new DomainError('ASSIGNMENT.STATE');
    ctx.setFlow('assignDate', kind, { id }, v.row.cellId);
    if (kind === 'deadline') return askDeadline(ctx, v.row.cellId, 'assignments.ask.newDeadline', { title: short(v.row.title, 80) });
    const today = todayIn(ctx, v.row.cellId);
    ctx.reply({ text: ctx.t('assignments.ask.doneOn', { name: v.people.assignee }), choices: [[choice(ctx.t('common.today'), `fl:${today}`)], cancelRow(ctx)] });
  }

  function dateStep(ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void {
    const id = parseId(String(data.id));
    const v = assignments.get(ctx.caller, id);
    const date = parseDeadline(text, ctx.deps.clock.now(), v.cell.timezone);
    const retry = (code: string) => {
      if (step === 'deadline') return askDeadline(ctx, v.row.cellId, 'assignments.new.deadlineAgain', { error: ctx.t(code) });
      ctx.reply({ text: `${ctx.t(code)}\n${ctx.t('assignments.ask.doneOn', { name: v.people.assignee })}`, choices: [[choice(ctx.t('common.today'), `fl:${todayIn(ctx, v.row.cellId)}`)], cancelRow(ctx)] });
    };
    if (date === null) return retry('assignments.dateUnreadable');
    try {
      if (step === 'deadline') assignments.changeDeadline(ctx.caller, id, date);
      else assignments.confirm(ctx.caller, id, date);
    } catch (err) {
      if (isDomainError(err) && (err.code === 'ASSIGNMENT.DEADLINE_INVALID' || err.code === 'ASSIGNMENT.DATE_INVALID')) return retry(`errors.${err.code}`);
      ctx.clearFlow();
      throw err;
    }
    ctx.clearFlow();
    card(ctx, id, { prefix: ctx.t(step === 'deadline' ? 'assignments.reply.deadlineMoved' : 'assignments.reply.confirmed') });
  }

  function confirm(ctx: Ctx, id: number): void {
    const v = assignments.get(ctx.caller, id);
    // Reported done: confirm at once. Not reported: ask on which day it was done.
    if (v.row.status !== 'done') return askDate(ctx, id, 'doneOn');
    assignments.confirm(ctx.caller, id);
    ctx.toast = ctx.t('assignments.reply.confirmed');
    card(ctx, id, { replace: true, prefix: ctx.t('assignments.reply.confirmed') });
  }

  function askCancel(ctx: Ctx, id: number): void {
    const v = assignments.get(ctx.caller, id);
    if (!v.canManage) throw new DomainError('AUTH.FORBIDDEN');
    ctx.reply({
      text: ctx.t('assignments.ask.cancel', { title: short(v.row.title, 80), name: v.people.assignee }),
      choices: [[choice(ctx.t('assignments.action.cancelConfirm'), `as:cxy:${id}`)], [choice(ctx.t('assignments.action.keep'), `as:v:${id}`)]],
    });
  }

  function cancel(ctx: Ctx, id: number): void {
    assignments.cancel(ctx.caller, id);
    card(ctx, id, { replace: true, prefix: ctx.t('assignments.reply.cancelled') });
  }

  return {
    commands: { phancong: start, congviec: list },
    actions: {
      as: (ctx, [what, a, b]) => {
        switch (what) {
          case 'pg':
            return pickMember(ctx, parseId(a), Number(b ?? 0));
          case 'pm':
            return chooseMember(ctx, parseId(a), parseId(b));
          case 'cr':
            return chooseCriterion(ctx, Number(a));
          case 'go':
            return give(ctx);
          case 'my':
            return mine(ctx, parseId(a));
          case 'ls':
            return cellList(ctx, parseId(a), Number(b ?? 0));
          case 'v':
            return card(ctx, parseId(a));
          case 'ok':
            return respond(ctx, parseId(a), 'accept');
          case 'rs':
            return respond(ctx, parseId(a), 'resume');
          case 'dn':
            return respond(ctx, parseId(a), 'done');
          case 'bk':
            return askNote(ctx, parseId(a), 'block');
          case 'rt':
            return askNote(ctx, parseId(a), 'return');
          case 'cf':
            return confirm(ctx, parseId(a));
          case 'dl':
            return askDate(ctx, parseId(a), 'deadline');
          case 'cx':
            return askCancel(ctx, parseId(a));
          case 'cxy':
            return cancel(ctx, parseId(a));
        }
        return ctx.run('unknown_command');
      },
    },
    flows: { assign: assignStep, assignNote: noteStep, assignDate: dateStep },
  };
}

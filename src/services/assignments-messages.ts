import { formatDateTime } from '../conversation/format.js';
import type { Locale, Translate } from '../conversation/i18n.js';
import { choice, type Choice, type OutMessage } from '../conversation/message.js';
import { stateOf, type TaskState } from '../domain/assignments.js';
import { zonedInstant } from '../domain/meetings-time.js';
import type { AssignmentRow } from '../store/repos/assignments.js';

/** "Thứ Hai, 30/11/2026": a calendar date with its weekday, as dates are shown everywhere. */
export function dayLabel(iso: string, tz: string, locale: Locale): string {
  return formatDateTime(zonedInstant(iso, '12:00', tz), tz, locale).replace(/, \d{2}:\d{2}$/, '');
}

/** Whole days from `todayIso` to `deadline` (negative once it has passed). */
export function daysLeft(deadline: string, todayIso: string): number {
  const at = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
  return Math.round((at(deadline) - at(todayIso)) / 86_400_000);
}

export interface TaskPeople {
  assignee: string;
  assigner: string | null;
}

/** The state word for lists and cards: "Đang thực hiện", "Trễ hạn", "Hoàn thành (trễ hạn), chờ xác nhận"… */
export function stateText(t: Translate, s: TaskState): string {
  const base = t(`assignments.status.${s.status}`);
  if (s.status !== 'done') return base;
  const parts = [base];
  if (s.late) parts.push(t('assignments.status.doneLate'));
  parts.push(t(s.confirmed ? 'assignments.status.confirmed' : 'assignments.status.awaiting'));
  return parts.join(', ');
}

/** The task as its assignee or a leader reads it. */
export function taskText(t: Translate, locale: Locale, row: AssignmentRow, people: TaskPeople, tz: string, todayIso: string, heading = 'assignments.card.title'): string {
  const state = stateOf(row, todayIso);
  const lines = [
    t(heading),
    t('assignments.card.what', { title: row.title }),
    t('assignments.card.assignee', { name: people.assignee }),
    t('assignments.card.deadline', { date: dayLabel(row.deadline, tz, locale) }),
    t('assignments.card.criterion', { n: row.criterion, name: t(`monthlyCheck.criterion.${row.criterion}`) }),
  ];
  if (people.assigner) lines.push(t('assignments.card.assigner', { name: people.assigner }));
  lines.push(t('assignments.card.status', { status: stateText(t, state) }));
  if (row.status !== 'cancelled' && row.status !== 'done' && row.status !== 'confirmed') {
    const left = daysLeft(row.deadline, todayIso);
    lines.push(left > 0 ? t('assignments.card.daysLeft', { n: left }) : left === 0 ? t('assignments.card.dueToday') : t('assignments.card.daysLate', { n: -left }));
  }
  if (row.doneOn) lines.push(t('assignments.card.doneOn', { date: dayLabel(row.doneOn, tz, locale) }));
  if (row.status === 'blocked' && row.blockNote) lines.push(t('assignments.card.blockNote', { note: row.blockNote }));
  if (row.returnNote && row.status !== 'confirmed' && row.status !== 'cancelled') lines.push(t('assignments.card.returnNote', { note: row.returnNote }));
  return lines.join('\n');
}

/** What the assignee can press on their task in its current state. */
export function assigneeChoices(t: Translate, row: AssignmentRow): Choice[][] {
  const id = row.id;
  switch (row.status) {
    case 'open':
      return [[choice(t('assignments.action.accept'), `as:ok:${id}`)], [choice(t('assignments.action.block'), `as:bk:${id}`)]];
    case 'accepted':
      return [[choice(t('assignments.action.done'), `as:dn:${id}`)], [choice(t('assignments.action.block'), `as:bk:${id}`)]];
    case 'blocked':
      return [[choice(t('assignments.action.done'), `as:dn:${id}`)], [choice(t('assignments.action.resume'), `as:rs:${id}`)], [choice(t('assignments.action.blockAgain'), `as:bk:${id}`)]];
    default:
      return [];
  }
}

/** What a leader can press on a task of the cell. */
export function leaderChoices(t: Translate, row: AssignmentRow): Choice[][] {
  const id = row.id;
  if (row.status === 'done') return [[choice(t('assignments.action.confirm'), `as:cf:${id}`)], [choice(t('assignments.action.return'), `as:rt:${id}`)]];
  if (row.status === 'open' || row.status === 'accepted' || row.status === 'blocked') {
    return [[choice(t('assignments.action.recordDone'), `as:cf:${id}`)], [choice(t('assignments.action.deadline'), `as:dl:${id}`)], [choice(t('assignments.action.cancel'), `as:cx:${id}`)]];
  }
  return [];
}

/** The notice a member gets when a task is given to them. */
export function newTaskNotice(t: Translate, locale: Locale, row: AssignmentRow, people: TaskPeople, tz: string, todayIso: string, cellName: string): OutMessage {
  return {
    text: [t('assignments.notice.new', { cell: cellName }), '', taskText(t, locale, row, people, tz, todayIso, 'assignments.card.titleNew'), '', t('assignments.notice.pressAccept')].join('\n'),
    choices: assigneeChoices(t, row),
  };
}

import { DomainError, isDomainError } from '../../domain/errors.js';
import { isCheckInOpen, manualMarks, normaliseCheckInCode, type ManualMark, type RecurrencePattern, type RsvpAnswer } from '../../domain/meetings.js';
import { isoOf, localParts, minutesToTime, parseWhen } from '../../domain/meetings-time.js';
import type { AttendanceService } from '../../services/meetings-attendance.js';
import { detailLines, headerText, meetingTitle, rsvpChoices, warningLines } from '../../services/meetings-messages.js';
import type { MeetingService } from '../../services/meetings.js';
import type { MeetingRow, MeetingRuleRow } from '../../store/repos/meetings.js';
import type { Ctx, Feature } from '../context.js';
import { formatDateTime } from '../format.js';
import { choice, type Choice } from '../message.js';
import { createAction, createStep, patternText, startCreate } from './meetings-create.js';
import { cancelRow, cmdChoice, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

/**
 * Meetings in the chat: /taohop (in meetings-create.ts), /lichhop, a meeting's card with the
 * answer buttons and the leaders' tools, reasons, check-in (/diemdanh, the button, a typed code),
 * manual marks, closing, the report and the minutes' attendance header.
 */
export interface MeetingFeatureServices {
  meetings: MeetingService;
  attendance: AttendanceService;
}

const rsvpCodes: Record<string, RsvpAnswer> = { a: 'attend', x: 'absent', m: 'maybe' };
const markCodes: Record<string, ManualMark> = { p: 'present', e: 'excused', u: 'unexcused' };

const tzOf = (ctx: Ctx, m: MeetingRow): string => ctx.deps.services.cells.get(m.cellId).timezone;
const title = (ctx: Ctx, m: MeetingRow): string => meetingTitle(ctx.t, m, tzOf(ctx, m));
const when = (ctx: Ctx, m: MeetingRow): string => formatDateTime(m.startsAt, tzOf(ctx, m), ctx.locale);

function ruleText(ctx: Ctx, r: MeetingRuleRow): string {
  const p: RecurrencePattern = r.pattern === 'dayOfMonth' ? { type: 'dayOfMonth', day: r.day ?? 1 } : { type: 'nthWeekday', nth: r.nth ?? 1, weekday: r.weekday ?? 1 };
  return ctx.t('meetings.rule.line', { rule: patternText(ctx, p), time: r.time });
}

// ---- /lichhop

function list(ctx: Ctx, s: MeetingFeatureServices): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'lichhop', 'any', (cellId) => {
    const { meetings } = s;
    const cell = ctx.deps.services.cells.get(cellId);
    const items = meetings.upcoming(ctx.caller, cellId);
    const leader = ctx.deps.services.access.actor(ctx.caller, cellId).actor.role;
    const isLeader = leader === 'secretary' || leader === 'deputy';
    const lines = [ctx.t('meetings.list.title', { cell: cell.name })];
    if (items.length === 0) lines.push(ctx.t('meetings.list.none'));
    for (const { meeting, mine, counts } of items) {
      const answer = mine?.rsvp ? ctx.t(`meetings.rsvp.${mine.rsvp}`) : ctx.t('meetings.rsvp.none');
      lines.push(`• ${when(ctx, meeting)} — ${title(ctx, meeting)}`, `  ${ctx.t('meetings.list.yourAnswer', { answer })} · ${ctx.t('meetings.list.counts', { ...counts })}`);
    }
    const rule = meetings.rule(ctx.caller, cellId);
    if (rule) lines.push('', ruleText(ctx, rule));
    const rows: Choice[][] = items.slice(0, 10).map(({ meeting }) => [choice(`${when(ctx, meeting)} · ${ctx.t(`meetings.kindShort.${meeting.kind}`)}`, `mtg:v:${meeting.id}`)]);
    if (isLeader) {
      for (const m of meetings.recent(ctx.caller, cellId).slice(0, 3)) rows.push([choice(ctx.t('meetings.list.closedItem', { when: when(ctx, m) }), `mtg:v:${m.id}`)]);
      rows.push([cmdChoice(ctx.t('meetings.list.create'), 'taohop')]);
      if (rule) rows.push([choice(ctx.t('meetings.rule.stop'), `mtg:x:${rule.id}`)]);
    }
    ctx.reply({ text: lines.join('\n'), choices: rows });
  });
}

// ---- one meeting

function card(ctx: Ctx, s: MeetingFeatureServices, meetingId: number, replace = false): void {
  const { meeting, mine, counts, canManage } = s.meetings.view(ctx.caller, meetingId);
  const now = ctx.deps.clock.now();
  const tz = tzOf(ctx, meeting);
  const lines = [capital(title(ctx, meeting)), ...detailLines(ctx.t, ctx.locale, meeting, tz)];
  if (meeting.status === 'cancelled') lines.push(ctx.t('meetings.view.cancelled'));
  if (meeting.status === 'closed') lines.push(ctx.t('meetings.view.closed'));
  lines.push(ctx.t('meetings.list.counts', { ...counts }));
  if (mine?.rsvp) lines.push(ctx.t('meetings.list.yourAnswer', { answer: ctx.t(`meetings.rsvp.${mine.rsvp}`) }));
  if (mine?.status) lines.push(ctx.t('meetings.view.yourStatus', { status: ctx.t(`meetings.status.${mine.status}`) }));
  const rows: Choice[][] = [];
  const scheduled = meeting.status === 'scheduled';
  if (scheduled && now < meeting.startsAt) rows.push(...rsvpChoices(ctx.t, meeting.id));
  const open = scheduled && isCheckInOpen(s.attendance.window(meeting), now);
  if (open && !mine?.checkedInAt && s.meetings.settingsOf(meeting.cellId).checkInMode === 'button') rows.push([choice(ctx.t('meetings.checkin.button'), `mtg:c:${meeting.id}`)]);
  if (meeting.status === 'closed' && mine?.status === 'unexcused') rows.push([choice(ctx.t('meetings.reason.give'), `mtg:g:${meeting.id}`)]);
  if (canManage) {
    const superior = s.meetings.superiorState(meeting);
    lines.push(ctx.t(`meetings.superior.state.${superior}`));
    if (scheduled) {
      rows.push(
        [choice(ctx.t('meetings.manage.reschedule'), `mtg:m:rs:${meeting.id}`), choice(ctx.t('meetings.manage.place'), `mtg:m:pl:${meeting.id}`)],
        [choice(ctx.t('meetings.manage.agenda'), `mtg:m:ag:${meeting.id}`), choice(ctx.t('meetings.manage.material'), `mtg:m:mt:${meeting.id}`)],
      );
      if (superior === 'none' || superior === 'failed') rows.push([choice(ctx.t('meetings.manage.superior'), `mtg:m:sup:${meeting.id}`)]);
    }
    if (open) rows.push([choice(ctx.t('meetings.manage.code'), `mtg:m:code:${meeting.id}`)]);
    if (meeting.status !== 'cancelled' && (open || meeting.status === 'closed')) rows.push([choice(ctx.t('meetings.manage.attendance'), `mtg:m:att:${meeting.id}`)]);
    if (open) rows.push([choice(ctx.t('meetings.manage.close'), `mtg:m:close:${meeting.id}`)]);
    if (meeting.status !== 'cancelled') rows.push([choice(ctx.t('meetings.manage.report'), `mtg:m:rep:${meeting.id}`), choice(ctx.t('meetings.manage.header'), `mtg:m:hdr:${meeting.id}`)]);
    if (scheduled) rows.push([choice(ctx.t('meetings.manage.cancel'), `mtg:m:cx:${meeting.id}`)]);
  }
  ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: replace });
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

// ---- answers and reasons

function answer(ctx: Ctx, s: MeetingFeatureServices, meetingId: number, code: string | undefined): void {
  const value = rsvpCodes[code ?? ''];
  if (!value) throw new DomainError('MEETING.NOT_FOUND');
  s.meetings.rsvp(ctx.caller, meetingId, value);
  ctx.toast = ctx.t(`meetings.rsvp.saved.${value}`);
  if (value === 'absent') return askReason(ctx, meetingId, ctx.t('meetings.rsvp.saved.absent'));
  ctx.reply({ text: ctx.t(`meetings.rsvp.saved.${value}`) });
  card(ctx, s, meetingId, true);
}

function askReason(ctx: Ctx, meetingId: number, prefix = ''): void {
  ctx.setFlow('meetingReason', 'reason', { meetingId });
  const quick = ['work', 'health', 'family'].map((k) => choice(ctx.t(`meetings.reason.quick.${k}`), `fl:${ctx.t(`meetings.reason.quick.${k}`)}`));
  ctx.reply({ text: [prefix, ctx.t('meetings.reason.ask')].filter(Boolean).join('\n'), choices: [...oneColumn(quick), cancelRow(ctx)] });
}

function reasonStep(s: MeetingFeatureServices) {
  return (ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): Promise<void> | void => {
    if (normaliseCheckInCode(text)) return checkInCode(ctx, s, text);
    try {
      s.meetings.giveReason(ctx.caller, Number(data.meetingId), text);
    } catch (err) {
      if (isDomainError(err) && err.code === 'MEETING.TEXT_INVALID') {
        ctx.reply({ text: `${ctx.t('errors.MEETING.TEXT_INVALID')}\n${ctx.t('meetings.reason.ask')}`, choices: [cancelRow(ctx)] });
        return;
      }
      ctx.clearFlow();
      throw err;
    }
    ctx.clearFlow();
    ctx.reply({ text: ctx.t('meetings.reason.thanks') });
  };
}

function decide(ctx: Ctx, s: MeetingFeatureServices, attendeeId: number, accept: boolean): void {
  const { fullName, changed } = s.attendance.decide(ctx.caller, attendeeId, accept);
  const text = ctx.t(accept ? 'meetings.reason.accepted' : 'meetings.reason.rejected', { name: fullName });
  ctx.toast = text;
  ctx.reply({ text: changed ? text : ctx.t('meetings.reason.unchanged', { name: fullName }), replaceOrigin: true });
}

// ---- check-in

function checkInCode(ctx: Ctx, s: MeetingFeatureServices, text: string): void {
  if (ctx.in.chatKind !== 'private') return;
  const { meeting, status, already } = s.attendance.checkInWithCode(ctx.caller, text);
  checkedIn(ctx, meeting, status, already);
}

function checkedIn(ctx: Ctx, meeting: MeetingRow, status: 'present' | 'late', already: boolean): void {
  const key = already ? 'meetings.checkin.already' : status === 'late' ? 'meetings.checkin.late' : 'meetings.checkin.done';
  ctx.toast = ctx.t(key, { title: title(ctx, meeting) });
  ctx.reply({ text: ctx.t(key, { title: title(ctx, meeting) }), replaceOrigin: true });
}

/** /diemdanh: the member's way in to an open meeting, and the leaders' tools for it. */
function checkInCommand(ctx: Ctx, s: MeetingFeatureServices, args: string): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  if (normaliseCheckInCode(args)) return checkInCode(ctx, s, args);
  const open = s.attendance.openFor(ctx.caller);
  if (open.length === 0) throw new DomainError('MEETING.CHECKIN_NOT_OPEN');
  for (const meeting of open) {
    const mode = s.meetings.settingsOf(meeting.cellId).checkInMode;
    const role = ctx.deps.services.access.actor(ctx.caller, meeting.cellId).actor.role;
    const rows: Choice[][] = mode === 'button' ? [[choice(ctx.t('meetings.checkin.button'), `mtg:c:${meeting.id}`)]] : [];
    if (role === 'secretary' || role === 'deputy') {
      rows.push([choice(ctx.t('meetings.manage.code'), `mtg:m:code:${meeting.id}`)], [choice(ctx.t('meetings.manage.attendance'), `mtg:m:att:${meeting.id}`)], [choice(ctx.t('meetings.manage.close'), `mtg:m:close:${meeting.id}`)]);
    }
    ctx.reply({ text: ctx.t(mode === 'button' ? 'meetings.checkin.prompt' : 'meetings.checkin.typeCode', { title: title(ctx, meeting) }), choices: rows });
  }
}

// ---- leaders' tools

function showCode(ctx: Ctx, s: MeetingFeatureServices, meetingId: number): void {
  const { meeting, code, validUntil } = s.attendance.code(ctx.caller, meetingId);
  const until = formatDateTime(validUntil, tzOf(ctx, meeting), ctx.locale).split(', ').pop() ?? '';
  ctx.reply({ text: ctx.t('meetings.checkin.code', { code: `${code.slice(0, 3)} ${code.slice(3)}`, until, title: title(ctx, meeting) }), choices: [[choice(ctx.t('meetings.checkin.newCode'), `mtg:m:code:${meeting.id}`)]], replaceOrigin: true });
}

function attendancePanel(ctx: Ctx, s: MeetingFeatureServices, meetingId: number): void {
  const { meeting, people } = s.attendance.roster(ctx.caller, meetingId);
  const lines = [ctx.t('meetings.attendance.title', { title: title(ctx, meeting) })];
  for (const p of people) lines.push(`• ${p.fullName}: ${p.row.status ? ctx.t(`meetings.status.${p.row.status}`) : ctx.t('meetings.status.unknown')}`);
  lines.push(ctx.t('meetings.attendance.pick'));
  const rows = people.slice(0, 60).map((p) => [choice(p.fullName, `mtg:k:${meeting.id}:${p.row.memberId}`)]);
  ctx.reply({ text: lines.join('\n'), choices: rows });
}

function markMenu(ctx: Ctx, s: MeetingFeatureServices, meetingId: number, memberId: number, code: string | undefined): void {
  if (code) {
    const mark = markCodes[code];
    if (!mark) throw new DomainError('MEETING.NOT_FOUND');
    s.attendance.mark(ctx.caller, meetingId, memberId, mark);
    ctx.reply({ text: ctx.t('meetings.attendance.saved', { name: ctx.deps.repos.members.get(memberId)?.fullName ?? '', status: ctx.t(`meetings.status.${mark}`) }), replaceOrigin: true });
    return attendancePanel(ctx, s, meetingId);
  }
  const { people } = s.attendance.roster(ctx.caller, meetingId);
  const person = people.find((p) => p.row.memberId === memberId);
  const name = person?.fullName ?? ctx.deps.repos.members.get(memberId)?.fullName ?? '';
  ctx.reply({
    text: ctx.t('meetings.attendance.choose', { name }),
    choices: [...oneColumn(manualMarks.map((m) => choice(ctx.t(`meetings.status.${m}`), `mtg:k:${meetingId}:${memberId}:${Object.keys(markCodes).find((k) => markCodes[k] === m)}`))), cancelRow(ctx)],
  });
}

function report(ctx: Ctx, s: MeetingFeatureServices, meetingId: number, closedNow = false): void {
  const r = s.attendance.report(ctx.caller, meetingId);
  const text = [closedNow ? ctx.t('meetings.close.done') : '', s.attendance.reportText(ctx.t, ctx.locale, r)].filter(Boolean).join('\n');
  const rows: Choice[][] = r.pendingReasons
    .slice(0, 20)
    .map((p) => [choice(ctx.t('meetings.reason.acceptFor', { name: p.fullName }), `mtg:j:${p.row.id}:1`), choice(ctx.t('meetings.reason.rejectFor', { name: p.fullName }), `mtg:j:${p.row.id}:0`)]);
  const reasons = r.pendingReasons.map((p) => `• ${p.fullName}: ${p.row.reason ?? ''}`);
  rows.push([choice(ctx.t('meetings.manage.header'), `mtg:m:hdr:${meetingId}`)]);
  ctx.reply({ text: [text, ...reasons].join('\n'), choices: rows });
}

function header(ctx: Ctx, s: MeetingFeatureServices, meetingId: number): void {
  const r = s.attendance.report(ctx.caller, meetingId);
  ctx.reply({ text: `${ctx.t('meetings.header.intro')}\n\n${headerText(ctx.t, r.header, title(ctx, r.meeting))}` });
}

async function manage(ctx: Ctx, s: MeetingFeatureServices, [op, idPart]: string[]): Promise<void> {
  const id = parseId(idPart);
  const ask = (step: string, key: string) => {
    s.meetings.view(ctx.caller, id);
    ctx.deps.services.access.require(ctx.caller, s.meetings.meeting(id).cellId, 'meeting.manage');
    ctx.setFlow('meetingEdit', step, { meetingId: id });
    ctx.reply({ text: ctx.t(key), choices: [cancelRow(ctx)] });
  };
  switch (op) {
    case 'rs':
      return ask('when', 'meetings.edit.askWhen');
    case 'pl':
      return ask('place', 'meetings.create.askPlace');
    case 'ag':
      return ask('agenda', 'meetings.edit.askAgenda');
    case 'mt':
      return ask('material', 'meetings.edit.askMaterial');
    case 'sup':
      s.meetings.markSuperiorNotified(ctx.caller, id);
      ctx.reply({ text: ctx.t('meetings.superior.ticked') });
      return;
    case 'cx': {
      const { meeting } = s.meetings.view(ctx.caller, id);
      ctx.deps.services.access.require(ctx.caller, meeting.cellId, 'meeting.manage');
      ctx.reply({ text: ctx.t('meetings.cancel.confirm', { title: title(ctx, meeting), when: when(ctx, meeting) }), choices: [[choice(ctx.t('meetings.cancel.yes'), `mtg:m:cxok:${id}`)], cancelRow(ctx)] });
      return;
    }
    case 'cxok': {
      const meeting = await s.meetings.cancel(ctx.caller, id);
      ctx.reply({ text: ctx.t('meetings.cancel.done', { title: title(ctx, meeting) }), replaceOrigin: true });
      return;
    }
    case 'code':
      return showCode(ctx, s, id);
    case 'att':
      return attendancePanel(ctx, s, id);
    case 'close': {
      const { meeting } = s.meetings.view(ctx.caller, id);
      ctx.deps.services.access.require(ctx.caller, meeting.cellId, 'meeting.attendance');
      ctx.reply({ text: ctx.t('meetings.close.confirm', { title: title(ctx, meeting) }), choices: [[choice(ctx.t('meetings.close.yes'), `mtg:m:closeok:${id}`)], cancelRow(ctx)] });
      return;
    }
    case 'closeok':
      await s.attendance.close(ctx.caller, id);
      return report(ctx, s, id, true);
    case 'rep':
      return report(ctx, s, id);
    case 'hdr':
      return header(ctx, s, id);
  }
  throw new DomainError('MEETING.NOT_FOUND');
}

/** Typed answers while editing a meeting: the new time, place, agenda or a material. */
function editStep(s: MeetingFeatureServices) {
  return async (ctx: Ctx, step: string, text: string, data: Record<string, unknown>): Promise<void> => {
    const id = Number(data.meetingId);
    const meeting = s.meetings.meeting(id);
    const tz = tzOf(ctx, meeting);
    const retry = (code: string, key: string) => ctx.reply({ text: `${ctx.t(`errors.${code}`)}\n${ctx.t(key)}`, choices: [cancelRow(ctx)] });
    try {
      if (step === 'when') {
        const w = parseWhen(text, ctx.deps.clock.now(), tz);
        if (!w) return retry('MEETING.DATE_INVALID', 'meetings.edit.askWhen');
        const local = localParts(meeting.startsAt, tz);
        const { warnings } = await s.meetings.reschedule(ctx.caller, id, w.date ?? isoOf(local), w.time ?? minutesToTime(local.minutes));
        ctx.clearFlow();
        ctx.reply({ text: [ctx.t('meetings.edit.rescheduled'), ...warningLines(ctx.t, warnings)].join('\n') });
      } else if (step === 'place') {
        const url = text.match(/https?:\/\/\S+/i)?.[0] ?? null;
        const place = text.replace(url ?? '', '').replace(/[|,;–-]\s*$/, '').trim();
        await s.meetings.editDetails(ctx.caller, id, url ? { place: place || meeting.place, onlineLink: url } : { place });
        ctx.clearFlow();
        ctx.reply({ text: ctx.t('meetings.edit.saved') });
      } else if (step === 'agenda') {
        await s.meetings.editDetails(ctx.caller, id, { agenda: text });
        ctx.clearFlow();
        ctx.reply({ text: ctx.t('meetings.edit.saved') });
      } else if (step === 'material') {
        const url = text.match(/https?:\/\/\S+/i)?.[0];
        if (!url) return retry('MEETING.LINK_INVALID', 'meetings.edit.askMaterial');
        const name = text.replace(url, '').replace(/[|:–-]\s*$/, '').replace(/\s*[|–-]\s*$/, '').trim();
        await s.meetings.addMaterial(ctx.caller, id, name, url);
        ctx.clearFlow();
        ctx.reply({ text: ctx.t('meetings.edit.materialAdded') });
      }
    } catch (err) {
      if (isDomainError(err) && ['MEETING.PAST', 'MEETING.TEXT_INVALID', 'MEETING.LINK_INVALID', 'MEETING.DURATION_INVALID'].includes(err.code)) {
        return retry(err.code, step === 'when' ? 'meetings.edit.askWhen' : step === 'material' ? 'meetings.edit.askMaterial' : step === 'agenda' ? 'meetings.edit.askAgenda' : 'meetings.create.askPlace');
      }
      ctx.clearFlow();
      throw err;
    }
    card(ctx, s, id);
  };
}

export function meetingsFeature(s: MeetingFeatureServices): Feature {
  const create = createAction(s.meetings);
  return {
    commands: {
      taohop: startCreate,
      lichhop: (ctx) => list(ctx, s),
      diemdanh: (ctx, args) => checkInCommand(ctx, s, args),
      checkin_code: (ctx, text) => checkInCode(ctx, s, text),
    },
    actions: {
      /** Every meeting button is `mtg:<what>:…`, one prefix so no other feature's buttons collide. */
      mtg: (ctx, [what, ...rest]) => {
        const [a, b, c] = rest;
        switch (what) {
          case 'n':
            return create(ctx, rest);
          case 'v':
            return card(ctx, s, parseId(a));
          case 'r':
            return answer(ctx, s, parseId(a), b);
          case 'g':
            s.meetings.view(ctx.caller, parseId(a));
            return askReason(ctx, parseId(a));
          case 'j':
            return decide(ctx, s, parseId(a), b === '1');
          case 'c': {
            const { meeting, status, already } = s.attendance.checkInButton(ctx.caller, parseId(a));
            return checkedIn(ctx, meeting, status, already);
          }
          case 'm':
            return manage(ctx, s, rest);
          case 'k':
            return markMenu(ctx, s, parseId(a), parseId(b), c);
          case 'x':
            s.meetings.stopRule(ctx.caller, parseId(a));
            ctx.reply({ text: ctx.t('meetings.rule.stopped'), replaceOrigin: true });
            return;
        }
        return ctx.run('unknown_command');
      },
    },
    flows: { meetingNew: createStep(s.meetings), meetingEdit: editStep(s), meetingReason: reasonStep(s) },
  };
}

import { DomainError, isDomainError } from '../../domain/errors.js';
import { nextUsualDate, patternsFrom, tomorrowIso, type MeetingKind, type RecurrencePattern } from '../../domain/meetings.js';
import { localIso, parseDuration, parseTime, parseWhen, zonedInstant } from '../../domain/meetings-time.js';
import { formatIsoDate } from '../../domain/dates.js';
import type { MeetingDraft, MeetingService } from '../../services/meetings.js';
import { warningLines } from '../../services/meetings-messages.js';
import type { Ctx } from '../context.js';
import { formatDateTime } from '../format.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, oneColumn, requirePrivate, withCell } from './shared.js';

/**
 * /taohop: kind → date → time → length → place or link → agenda → confirm, by buttons or typed
 * ("28/11 19:30", "thứ Năm 19:30" skip the time question). State lives in the conversation row.
 */

const FLOW = 'meetingNew';
const kindChoices = ['regular', 'regularThematic', 'thematic', 'committee', 'extraordinary'] as const;
type KindChoice = (typeof kindChoices)[number];

interface Draft {
  cellId: number;
  kind?: MeetingKind;
  withThematic?: boolean;
  date?: string;
  time?: string;
  duration?: number;
  place?: string | null;
  link?: string | null;
  agenda?: string | null;
}

const draftOf = (data: Record<string, unknown>): Draft => data as unknown as Draft;

export function startCreate(ctx: Ctx): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'taohop', ['secretary', 'deputy'], (cellId) => {
    ctx.deps.services.access.require(ctx.caller, cellId, 'meeting.manage');
    ctx.setFlow(FLOW, 'kind', { cellId }, cellId);
    askKind(ctx);
  });
}

function askKind(ctx: Ctx, prefix = ''): void {
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askKind')}`, choices: [...oneColumn(kindChoices.map((k) => choice(ctx.t(`meetings.kindLabel.${k}`), `mtg:n:k:${k}`))), cancelRow(ctx)] });
}

function tz(ctx: Ctx, d: Draft): string {
  return ctx.deps.services.cells.get(d.cellId).timezone;
}

function askDate(ctx: Ctx, d: Draft, prefix = ''): void {
  const s = ctx.deps.services.settings.of(d.cellId).meetings;
  const now = ctx.deps.clock.now();
  const zone = tz(ctx, d);
  const dates = new Set<string>();
  if (d.kind === 'regular') dates.add(nextUsualDate(s.usualDay, now, s.usualTime, zone));
  dates.add(tomorrowIso(now, zone));
  const rows: Choice[][] = [...dates].map((iso) => [choice(formatIsoDate(iso), `mtg:n:d:${iso}`)]);
  ctx.setFlow(FLOW, 'date', { ...d });
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askDate')}`, choices: [...rows, cancelRow(ctx)] });
}

function askTime(ctx: Ctx, d: Draft, prefix = ''): void {
  const usual = ctx.deps.services.settings.of(d.cellId).meetings.usualTime;
  const times = [...new Set([usual, '08:00', '14:00', '19:30'])].slice(0, 3);
  ctx.setFlow(FLOW, 'time', { ...d });
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askTime', { date: formatIsoDate(d.date ?? '') })}`, choices: [times.map((x) => choice(x, `mtg:n:t:${x.replace(':', '')}`)), cancelRow(ctx)] });
}

function askDuration(ctx: Ctx, d: Draft, prefix = ''): void {
  ctx.setFlow(FLOW, 'duration', { ...d });
  const minutes = d.kind === 'regular' && d.withThematic ? [120, 150, 180] : [90, 120, 150];
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askDuration')}`, choices: [minutes.map((n) => choice(ctx.t('meetings.create.minutes', { n }), `mtg:n:du:${n}`)), cancelRow(ctx)] });
}

function askPlace(ctx: Ctx, d: Draft, prefix = ''): void {
  ctx.setFlow(FLOW, 'place', { ...d });
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askPlace')}`, choices: [cancelRow(ctx)] });
}

function askAgenda(ctx: Ctx, d: Draft, prefix = ''): void {
  ctx.setFlow(FLOW, 'agenda', { ...d });
  ctx.reply({ text: `${prefix}${ctx.t('meetings.create.askAgenda')}`, choices: [[choice(ctx.t('meetings.create.skip'), 'mtg:n:ag:skip')], cancelRow(ctx)] });
}

function toDraft(d: Draft): MeetingDraft {
  return { kind: d.kind ?? 'regular', withThematic: d.withThematic ?? false, date: d.date ?? '', time: d.time ?? '', durationMinutes: d.duration ?? 90, place: d.place ?? null, onlineLink: d.link ?? null, agenda: d.agenda ?? null };
}

function confirm(ctx: Ctx, meetings: MeetingService, d: Draft): void {
  const zone = tz(ctx, d);
  const { startsAt, warnings } = meetings.preview(ctx.caller, d.cellId, toDraft(d));
  ctx.setFlow(FLOW, 'confirm', { ...d });
  const kindKey = d.kind === 'regular' && d.withThematic ? 'regularThematic' : (d.kind as string);
  const lines = [
    ctx.t('meetings.create.summary'),
    `${ctx.t('meetings.create.kind')}: ${ctx.t(`meetings.kindLabel.${kindKey}`)}`,
    ctx.t('meetings.detail.when', { when: formatDateTime(startsAt, zone, ctx.locale), minutes: d.duration ?? 90 }),
    d.place ? ctx.t('meetings.detail.place', { place: d.place }) : '',
    d.link ? ctx.t('meetings.detail.link', { link: d.link }) : '',
    d.agenda ? ctx.t('meetings.detail.agenda', { agenda: d.agenda }) : '',
    ...warningLines(ctx.t, warnings),
  ].filter(Boolean);
  const rows: Choice[][] = [[choice(ctx.t('meetings.create.confirm'), 'mtg:n:ok:n')]];
  if (d.kind === 'regular' && d.date) {
    const p = patternsFrom(d.date);
    rows.push([choice(ctx.t('meetings.create.repeat', { rule: patternText(ctx, p.dayOfMonth) }), 'mtg:n:ok:d')]);
    rows.push([choice(ctx.t('meetings.create.repeat', { rule: patternText(ctx, p.nthWeekday) }), 'mtg:n:ok:w')]);
  }
  rows.push(cancelRow(ctx));
  ctx.reply({ text: lines.join('\n'), choices: rows });
}

/** "ngày 5", "thứ Sáu đầu tiên" — how a recurring rule reads. */
export function patternText(ctx: Ctx, p: RecurrencePattern): string {
  if (p.type === 'dayOfMonth') return ctx.t('meetings.rule.dayOfMonth', { day: p.day });
  return ctx.t('meetings.rule.nthWeekday', { nth: ctx.t(`meetings.rule.nth.${p.nth}`), weekday: ctx.t(`meetings.rule.weekday.${p.weekday}`) });
}

/** A typed date (maybe with its time): on to the time, or straight to the length when the time came with it. */
function takeWhen(ctx: Ctx, d: Draft, text: string, step: 'date' | 'time'): void {
  const zone = tz(ctx, d);
  const now = ctx.deps.clock.now();
  const when = parseWhen(text, now, zone);
  const time = when?.time ?? (step === 'time' ? parseTime(text) : null);
  const date = when?.date ?? (step === 'time' ? (d.date ?? null) : null);
  if (!date || (step === 'time' && !time)) {
    const again = `${ctx.t('errors.MEETING.DATE_INVALID')}\n`;
    return step === 'date' ? askDate(ctx, d, again) : askTime(ctx, d, again);
  }
  if (date < localIso(now, zone) || (time && zonedInstant(date, time, zone) <= now)) return askDate(ctx, d, `${ctx.t('errors.MEETING.PAST')}\n`);
  const next = { ...d, date, ...(time ? { time } : {}) };
  return time ? askDuration(ctx, next) : askTime(ctx, next);
}

/** Typed answers to the dialogue's questions. */
export function createStep(meetings: MeetingService) {
  return (ctx: Ctx, step: string, text: string, data: Record<string, unknown>): void => {
    const d = draftOf(data);
    if (step === 'kind' || step === 'confirm') {
      if (step === 'kind') return askKind(ctx, `${ctx.t('common.useButtons')}\n`);
      return confirm(ctx, meetings, d);
    }
    if (step === 'date' || step === 'time') return takeWhen(ctx, d, text, step);
    if (step === 'duration') {
      const minutes = parseDuration(text);
      if (minutes === null) return askDuration(ctx, d, `${ctx.t('errors.MEETING.DURATION_INVALID')}\n`);
      return askPlace(ctx, { ...d, duration: minutes });
    }
    if (step === 'place') {
      const url = text.match(/https?:\/\/\S+/i)?.[0] ?? null;
      const place = text.replace(url ?? '', '').replace(/[|,;–-]\s*$/, '').trim();
      if (!url && place.length < 2) return askPlace(ctx, d, `${ctx.t('errors.MEETING.TEXT_INVALID')}\n`);
      return askAgenda(ctx, { ...d, place: place.length >= 2 ? place.slice(0, 300) : null, link: url });
    }
    if (step === 'agenda') {
      const agenda = text.trim();
      if (agenda.length < 2 || agenda.length > 500) return askAgenda(ctx, d, `${ctx.t('errors.MEETING.TEXT_INVALID')}\n`);
      return confirm(ctx, meetings, { ...d, agenda });
    }
    ctx.clearFlow();
  };
}

async function create(ctx: Ctx, meetings: MeetingService, d: Draft, repeat: 'n' | 'd' | 'w'): Promise<void> {
  const recurrence = repeat === 'd' ? 'dayOfMonth' : repeat === 'w' ? 'nthWeekday' : null;
  let result;
  try {
    result = await meetings.create(ctx.caller, d.cellId, toDraft(d), recurrence);
  } catch (err) {
    // A start that passed while the secretary was deciding: ask for the date again, keep the rest.
    if (isDomainError(err) && err.code === 'MEETING.PAST') return askDate(ctx, d, `${ctx.t('errors.MEETING.PAST')}\n`);
    throw err;
  }
  ctx.clearFlow();
  const { meeting, warnings, invited } = result;
  const lines = [ctx.t('meetings.create.done', { n: invited }), ...warningLines(ctx.t, warnings)];
  if (meeting.superiorNotifiedVia === 'contact') lines.push(ctx.t('meetings.superior.sentToContact'));
  else lines.push(ctx.t('meetings.superior.remind'));
  const rows: Choice[][] = [[choice(ctx.t('meetings.list.open'), `mtg:v:${meeting.id}`)]];
  if (meeting.superiorNotifiedAt === null) rows.push([choice(ctx.t('meetings.manage.superior'), `mtg:m:sup:${meeting.id}`)]);
  ctx.reply({ text: lines.join('\n'), choices: rows, replaceOrigin: true });
}

/** Buttons of the dialogue: `mtg:n:k:<kind>`, `mtg:n:d:<iso>`, `mtg:n:t:<hhmm>`, `mtg:n:du:<minutes>`, `mtg:n:ag:skip`, `mtg:n:ok:<n|d|w>`. */
export function createAction(meetings: MeetingService) {
  return (ctx: Ctx, [what, value]: string[]): void | Promise<void> => {
    if (ctx.conv?.flow !== FLOW) {
      ctx.toast = ctx.t('common.staleButton');
      ctx.reply({ text: ctx.t('common.staleButton') });
      return;
    }
    const d = draftOf(ctx.conv.data);
    if (what === 'k' && (kindChoices as readonly string[]).includes(value ?? '')) {
      const k = value as KindChoice;
      return askDate(ctx, { ...d, kind: k === 'regularThematic' ? 'regular' : k, withThematic: k === 'regularThematic' });
    }
    if (what === 'd' && value && /^\d{4}-\d{2}-\d{2}$/.test(value)) return takeWhen(ctx, d, formatIsoDate(value), 'date');
    if (what === 't' && value && /^\d{4}$/.test(value)) return takeWhen(ctx, d, `${value.slice(0, 2)}:${value.slice(2)}`, 'time');
    if (what === 'du' && value) return askPlace(ctx, { ...d, duration: Number(value) });
    if (what === 'ag') return confirm(ctx, meetings, { ...d, agenda: null });
    if (what === 'ok' && (value === 'n' || value === 'd' || value === 'w') && ctx.conv.step === 'confirm') return create(ctx, meetings, d, value);
    throw new DomainError('MEETING.NOT_FOUND');
  };
}

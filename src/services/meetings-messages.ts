import { formatDate, formatDateTime } from '../conversation/format.js';
import type { Locale, Translate } from '../conversation/i18n.js';
import { choice, type Choice, type OutMessage } from '../conversation/message.js';
import type { AttendanceHeader, PlanWarning, QuorumResult, RsvpAnswer } from '../domain/meetings.js';
import { localParts } from '../domain/meetings-time.js';
import type { MeetingRow } from '../store/repos/meetings.js';

/**
 * Texts about meetings, rendered in the reader's language: used by the services (notices),
 * the jobs (reminders) and the dialogue (replies), so a meeting reads the same everywhere.
 */

export interface Rsvps {
  attend: number;
  absent: number;
  maybe: number;
  none: number;
}

/** "sinh hoạt chi bộ thường kỳ tháng 11/2026", "sinh hoạt chuyên đề ngày 26/11/2026". */
export function meetingTitle(t: Translate, m: Pick<MeetingRow, 'kind' | 'withThematic' | 'startsAt'>, tz: string): string {
  const p = localParts(m.startsAt, tz);
  const kind = m.kind === 'regular' && m.withThematic ? 'regularThematic' : m.kind;
  return t(`meetings.title.${kind}`, { month: `${String(p.month).padStart(2, '0')}/${p.year}`, date: formatDate(m.startsAt, tz) });
}

export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Time, length, place or link, agenda and materials, one line each. */
export function detailLines(t: Translate, locale: Locale, m: MeetingRow, tz: string): string[] {
  const lines = [t('meetings.detail.when', { when: formatDateTime(m.startsAt, tz, locale), minutes: m.durationMinutes })];
  if (m.place) lines.push(t('meetings.detail.place', { place: m.place }));
  if (m.onlineLink) lines.push(t('meetings.detail.link', { link: m.onlineLink }));
  if (m.agenda) lines.push(t('meetings.detail.agenda', { agenda: m.agenda }));
  if (m.materials.length > 0) lines.push(t('meetings.detail.materials'), ...m.materials.map((x) => `• ${x.title}: ${x.url}`));
  return lines;
}

export function rsvpChoices(t: Translate, meetingId: number): Choice[][] {
  return [[choice(t('meetings.rsvp.attend'), `mtg:r:${meetingId}:a`)], [choice(t('meetings.rsvp.absent'), `mtg:r:${meetingId}:x`)], [choice(t('meetings.rsvp.maybe'), `mtg:r:${meetingId}:m`)]];
}

export function invitation(t: Translate, locale: Locale, m: MeetingRow, tz: string, cellName: string, fullName: string): OutMessage {
  const text = [t('meetings.invite.greeting', { name: fullName }), t('meetings.invite.body', { cell: cellName, title: meetingTitle(t, m, tz) }), ...detailLines(t, locale, m, tz), t('meetings.invite.ask')].join('\n');
  return { text, choices: rsvpChoices(t, m.id) };
}

export function reminder(t: Translate, locale: Locale, m: MeetingRow, tz: string, kind: 'nudge' | 'final', answer: RsvpAnswer | null): OutMessage {
  const key = kind === 'final' ? 'meetings.remind.final' : answer === 'maybe' ? 'meetings.remind.maybe' : 'meetings.remind.nudge';
  const text = [t(key, { title: meetingTitle(t, m, tz) }), ...detailLines(t, locale, m, tz)].join('\n');
  return kind === 'final' ? { text, choices: [[choice(t('meetings.rsvp.cannotCome'), `mtg:r:${m.id}:x`)]] } : { text, choices: rsvpChoices(t, m.id) };
}

export type ChangeKind = 'rescheduled' | 'edited' | 'cancelled' | 'materials';

export function changeNotice(t: Translate, locale: Locale, m: MeetingRow, tz: string, change: ChangeKind, previousStart: number | null): OutMessage {
  const title = meetingTitle(t, m, tz);
  if (change === 'cancelled') return { text: t('meetings.change.cancelled', { title, when: formatDateTime(m.startsAt, tz, locale) }) };
  const head =
    change === 'rescheduled' && previousStart !== null
      ? t('meetings.change.rescheduled', { title, from: formatDateTime(previousStart, tz, locale), to: formatDateTime(m.startsAt, tz, locale) })
      : t(change === 'materials' ? 'meetings.change.materials' : 'meetings.change.edited', { title });
  const text = [head, ...detailLines(t, locale, m, tz), change === 'rescheduled' ? t('meetings.change.answerAgain') : ''].filter(Boolean).join('\n');
  return change === 'rescheduled' ? { text, choices: rsvpChoices(t, m.id) } : { text };
}

/** The group's announcement card: details and live counts, edited in place as answers come. */
export function groupCard(t: Translate, locale: Locale, m: MeetingRow, tz: string, cellName: string, counts: Rsvps, result?: { present: number; expected: number }): OutMessage {
  const head = m.status === 'cancelled' ? t('meetings.card.cancelled', { title: meetingTitle(t, m, tz) }) : t('meetings.card.title', { cell: cellName, title: meetingTitle(t, m, tz) });
  const lines = [head, ...detailLines(t, locale, m, tz)];
  if (m.status !== 'cancelled') lines.push('', t('meetings.card.counts', { ...counts }));
  if (m.status === 'scheduled') lines.push(t('meetings.card.howToAnswer'));
  if (m.status === 'closed' && result) lines.push(t('meetings.card.closed', result));
  return { text: lines.join('\n') };
}

export function warningLines(t: Translate, warnings: readonly PlanWarning[]): string[] {
  return warnings.map((w) => `⚠️ ${t(w.code === 'lateNotice' && w.hours === 0 ? 'meetings.warn.lateNoticeUnderHour' : `meetings.warn.${w.code}`, { ...w })}`);
}

export function quorumLine(t: Translate, q: QuorumResult, rule: 'half' | 'twoThirds'): string {
  return t(q.met ? 'meetings.quorum.met' : 'meetings.quorum.notMet', { present: q.presentFull, expected: q.expectedFull, required: q.required, rule: t(`settings.values.${rule}`) });
}

/** The attendance report that opens the minutes, ready to paste. */
export function headerText(t: Translate, h: AttendanceHeader, title: string): string {
  const names = (list: string[]) => (list.length > 0 ? `: ${list.map((n) => t('meetings.header.comrade', { name: n })).join(', ')}` : '');
  return [
    t('meetings.header.title', { title }),
    t('meetings.header.total', { total: h.total, full: h.full, probationary: h.probationary }),
    t('meetings.header.exempt', { n: h.exempt }),
    t('meetings.header.present', { n: h.present }),
    t('meetings.header.absent', { n: h.absentWithReason.length + h.absentWithoutReason.length }),
    `- ${t('meetings.header.withReason', { n: h.absentWithReason.length })}${names(h.absentWithReason)}`,
    `- ${t('meetings.header.withoutReason', { n: h.absentWithoutReason.length })}${names(h.absentWithoutReason)}`,
  ].join('\n');
}

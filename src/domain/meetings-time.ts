import { TZDate } from '@date-fns/tz';
import { daysInMonth, isValidDate } from './dates.js';
import { fold } from './text.js';

/**
 * Wall-clock arithmetic in a cell's time zone and the parsing of what a secretary types for a
 * meeting's date and time. Pure: `now` and the zone are always passed in.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A calendar date and a wall-clock time in the cell's zone. */
export interface LocalDate {
  year: number;
  month: number; // 1–12
  day: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export const isoOf = (d: LocalDate): string => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

export function parseIso(iso: string): LocalDate {
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

/** The calendar date and minutes since midnight at `ms` in `tz`. */
export function localParts(ms: number, tz: string): LocalDate & { minutes: number; weekday: number } {
  const d = new TZDate(ms, tz);
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), minutes: d.getHours() * 60 + d.getMinutes(), weekday: d.getDay() };
}

export const localIso = (ms: number, tz: string): string => isoOf(localParts(ms, tz));

/** "HH:MM" → minutes since midnight. */
export function timeToMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export const minutesToTime = (m: number): string => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;

/** The instant of a wall-clock time on a date in `tz` (a time skipped by a DST jump resolves forward). */
export function zonedInstant(date: LocalDate | string, time: string, tz: string): number {
  const d = typeof date === 'string' ? parseIso(date) : date;
  const minutes = timeToMinutes(time);
  return new TZDate(d.year, d.month - 1, d.day, Math.floor(minutes / 60), minutes % 60, 0, tz).getTime();
}

/** Adds whole days to a calendar date (no zone involved). */
export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export const weekdayOf = (d: LocalDate): number => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

// ---------------------------------------------------------------------------------------------
// Quiet hours

export interface QuietHours {
  from: string; // "21:00"
  to: string; // "07:00"
}

/** True when `ms` falls in [from, to) in the cell's zone; from = to means no quiet hours. */
export function isQuiet(ms: number, tz: string, q: QuietHours): boolean {
  const from = timeToMinutes(q.from);
  const to = timeToMinutes(q.to);
  if (from === to) return false;
  const m = localParts(ms, tz).minutes;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** The first instant at or after `ms` that is outside quiet hours. */
export function nextAwake(ms: number, tz: string, q: QuietHours): number {
  if (!isQuiet(ms, tz, q)) return ms;
  const p = localParts(ms, tz);
  let candidate = zonedInstant(p, q.to, tz);
  if (candidate <= ms) candidate = zonedInstant(addDays(p, 1), q.to, tz);
  return candidate;
}

/** The last whole minute before the quiet period that contains `ms` began. */
export function lastAwakeBefore(ms: number, tz: string, q: QuietHours): number {
  const p = localParts(ms, tz);
  let start = zonedInstant(p, q.from, tz);
  if (start > ms) start = zonedInstant(addDays(p, -1), q.from, tz);
  return start - MINUTE_MS;
}

/**
 * Moves a scheduled send out of quiet hours without dropping it: to the end of the quiet period
 * when that is still before `deadline` (the meeting's start), else to the evening before it began.
 */
export function shiftOutOfQuiet(ms: number, deadline: number, tz: string, q: QuietHours): number {
  if (!isQuiet(ms, tz, q)) return ms;
  const later = nextAwake(ms, tz, q);
  return later < deadline ? later : lastAwakeBefore(ms, tz, q);
}

// ---------------------------------------------------------------------------------------------
// Typed dates and times

export interface TypedWhen {
  date: string | null; // ISO yyyy-mm-dd
  time: string | null; // HH:MM
}

/** Weekday words after folding (no diacritics, lower case): "thu nam", "t5", "cn", "thursday". */
const weekdayWords: [RegExp, number][] = [
  [/^(chu nhat|cn|sunday|sun)$/, 0],
  [/^(thu hai|thu 2|t2|monday|mon)$/, 1],
  [/^(thu ba|thu 3|t3|tuesday|tue)$/, 2],
  [/^(thu tu|thu 4|t4|wednesday|wed)$/, 3],
  [/^(thu nam|thu 5|t5|thursday)$/, 4],
  [/^(thu sau|thu 6|t6|friday|fri)$/, 5],
  [/^(thu bay|thu 7|t7|saturday|sat)$/, 6],
];

/** "19:30", "19h30", "19h", "7 giờ 30", "19.30" → "19:30". */
export function parseTime(input: string): string | null {
  const s = fold(input).replace(/\s+/g, ' ').trim();
  const m = s.match(/^(\d{1,2})\s*(?::|h|g|gio|\.)\s*(\d{2})?\s*(?:p|phut)?$/) ?? s.match(/^(\d{1,2})$/);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 23 || min > 59) return null;
  return `${pad(h)}:${pad(min)}`;
}

/**
 * Reads a date, a time, or both, as typed: "28/11", "28/11/2026", "28-11 19:30", "19:30 28/11",
 * "thứ Năm 19:30", "T5", "mai 8h", "hôm nay 14:00". A date without a year is the next one to
 * come; a weekday is the next such day (today if its time is still ahead). Null if unreadable.
 */
export function parseWhen(input: string, now: number, tz: string): TypedWhen | null {
  const today = localParts(now, tz);
  let rest = fold(input).replace(/[,;]/g, ' ').replace(/\s+/g, ' ').trim();
  rest = rest.replace(/^(ngay|vao|luc)\s+/, '');
  let time: string | null = null;
  // A time at either end: "19:30", "19h30", "7h".
  const timeAtEnd = rest.match(/(?:^|\s)(?:luc\s+)?(\d{1,2}\s*(?::|h|g|gio)\s*(?:\d{2})?\s*(?:p|phut)?)$/);
  if (timeAtEnd?.[1] && !/^\d{1,2}$/.test(timeAtEnd[1].trim())) {
    time = parseTime(timeAtEnd[1]);
    if (!time) return null;
    rest = rest.slice(0, rest.length - timeAtEnd[0].length).trim();
  } else {
    const timeAtStart = rest.match(/^(\d{1,2}\s*(?::|h|g|gio)\s*(?:\d{2})?\s*(?:p|phut)?)(?:\s|$)/);
    if (timeAtStart?.[1] && /[:hg]/.test(timeAtStart[1])) {
      time = parseTime(timeAtStart[1]);
      if (!time) return null;
      rest = rest.slice(timeAtStart[0].length).trim();
    }
  }
  rest = rest.replace(/\s*(luc|vao)$/, '').replace(/^(ngay)\s+/, '').trim();
  if (rest === '') return time ? { date: null, time } : null;
  const date = parseDateWords(rest, today, time, now, tz);
  if (!date) return null;
  return { date, time };
}

function parseDateWords(s: string, today: LocalDate & { minutes: number }, time: string | null, now: number, tz: string): string | null {
  if (s === 'hom nay' || s === 'today') return isoOf(today);
  if (s === 'mai' || s === 'ngay mai' || s === 'tomorrow') return isoOf(addDays(today, 1));
  if (s === 'ngay kia' || s === 'mot') return isoOf(addDays(today, 2));
  const numeric = s.match(/^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/);
  if (numeric) {
    const day = Number(numeric[1]);
    const month = Number(numeric[2]);
    if (numeric[3] !== undefined) {
      const year = numeric[3].length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
      return isValidDate(year, month, day) ? isoOf({ year, month, day }) : null;
    }
    // No year: this year's date unless it has passed, then next year's.
    for (const year of [today.year, today.year + 1]) {
      if (!isValidDate(year, month, day)) continue;
      const candidate = { year, month, day };
      const at = zonedInstant(candidate, time ?? '23:59', tz);
      if (at > now) return isoOf(candidate);
    }
    return null;
  }
  // "thứ Sáu" is Friday, so read the whole phrase first; only then treat a trailing
  // "tới / sau / next" as "the following one" ("thứ Năm tới", "thứ Sáu sau").
  const direct = weekdayWords.find(([re]) => re.test(s));
  const suffix = direct ? null : s.match(/^(.*\S)\s+(?:toi|sau|next)$/);
  const hit = direct ?? (suffix ? weekdayWords.find(([re]) => re.test((suffix[1] as string).trim())) : undefined);
  if (!hit) return null;
  const wanted = hit[1];
  const explicitNext = suffix !== null && suffix !== undefined;
  let offset = (wanted - weekdayOf(today) + 7) % 7;
  // Today counts only when its time (or the end of the day, without a time) is still ahead.
  if (offset === 0) {
    const stillAhead = zonedInstant(today, time ?? '23:59', tz) > now;
    if (!stillAhead || explicitNext) offset = 7;
  }
  return isoOf(addDays(today, offset));
}

/** "90", "90 phút", "2 giờ", "1h30", "2h", "1 giờ 30" → minutes; null if unreadable or not 15–600. */
export function parseDuration(input: string): number | null {
  const s = fold(input).replace(/\s+/g, ' ').trim();
  let minutes: number | null = null;
  const plain = s.match(/^(\d{1,3})\s*(?:p|phut|min|minutes|')?$/);
  const hours = s.match(/^(\d{1,2})\s*(?:h|g|gio|hours?)\s*(?:(\d{1,2})\s*(?:p|phut|m|min)?)?$/);
  if (plain) minutes = Number(plain[1]);
  else if (hours) minutes = Number(hours[1]) * 60 + Number(hours[2] ?? 0);
  if (minutes === null || minutes < 15 || minutes > 600) return null;
  return minutes;
}

// ---------------------------------------------------------------------------------------------
// Months and quarters

/** "2026-11" for an ISO date. */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/** 1–4. */
export const quarterOf = (iso: string): number => Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1;

/** First and last ISO dates of the quarter containing `iso`. */
export function quarterBounds(iso: string): { first: string; last: string } {
  const year = Number(iso.slice(0, 4));
  const q = quarterOf(iso);
  const firstMonth = (q - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  return { first: isoOf({ year, month: firstMonth, day: 1 }), last: isoOf({ year, month: lastMonth, day: daysInMonth(year, lastMonth) }) };
}

/** Whole days from `iso` to the last day of its quarter (0 on the last day). */
export function daysLeftInQuarter(iso: string): number {
  const { last } = quarterBounds(iso);
  const a = parseIso(iso);
  const b = parseIso(last);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

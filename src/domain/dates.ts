/** Pure date parsing for what people type: "28/11/2026", "28/11", "28-11-26". Returns ISO yyyy-mm-dd. */
export function parseTypedDate(input: string, todayIso: string): string | null {
  const m = input.trim().match(/^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  let year = m[3] === undefined ? Number(todayIso.slice(0, 4)) : Number(m[3]);
  // Two-digit years: up to ten years ahead means 20xx, later ones 19xx (a membership date from 1985).
  if (year < 100) year += year <= Number(todayIso.slice(2, 4)) + 10 ? 2000 : 1900;
  if (!isValidDate(year, month, day)) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1930 || year > 2100) return false;
  return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO yyyy-mm-dd → dd/mm/yyyy, the Vietnamese way. */
export function formatIsoDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

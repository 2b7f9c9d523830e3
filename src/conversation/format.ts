import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Locale } from './i18n.js';

const weekdays: Record<Locale, string[]> = {
  vi: ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/** "Thứ Năm, 26/11/2026, 14:00" in the cell's time zone. */
export function formatDateTime(ms: number, tz: string, locale: Locale): string {
  const d = new TZDate(ms, tz);
  return `${weekdays[locale][d.getDay()]}, ${format(d, 'dd/MM/yyyy, HH:mm')}`;
}

/** "26/11/2026" in the cell's time zone. */
export function formatDate(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'dd/MM/yyyy');
}

/** The calendar date (yyyy-mm-dd) at `ms` in `tz`. */
export function isoDateIn(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'yyyy-MM-dd');
}

/** "120.000 đ". */
export function formatMoney(amount: number): string {
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }).format(Math.round(amount))} đ`;
}

import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { Translate } from '../conversation/i18n.js';
import { dmy, monthsOf } from '../domain/summary.js';
import type { CellSummary } from '../services/summary.js';

/**
 * Fonts with every Vietnamese glyph in regular and bold: Liberation Sans (Debian's fonts-liberation),
 * else DejaVu Sans (fonts-dejavu-core); whatever the system has is the last resort.
 */
const FONT_FILES: [string, string][] = [
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
];
const FAMILY = 'ChartSans';
let fontsReady = false;

function ensureFonts(): void {
  if (fontsReady) return;
  fontsReady = true;
  const found = FONT_FILES.find(([regular, bold]) => existsSync(regular) && existsSync(bold));
  if (!found) return;
  for (const path of found) GlobalFonts.registerFromPath(path, FAMILY);
}

const W = 1200;
const PANEL_H = 380;
const TOP = 70;
const LEFT = 80;
const RIGHT = 30;

interface Bar {
  label: string;
  /** 0–1 */
  value: number | null;
  caption: string;
  /** 0–1, drawn lighter behind (what was due); omitted for attendance. */
  behind?: number;
}

function panel(ctx: SKRSContext2D, y0: number, title: string, bars: Bar[], colour: string, empty: string): void {
  const plotTop = y0 + 50;
  const plotH = PANEL_H - 110;
  const plotW = W - LEFT - RIGHT;
  ctx.fillStyle = '#111';
  ctx.font = `bold 22px "${FAMILY}"`;
  ctx.textAlign = 'left';
  ctx.fillText(title, LEFT, y0 + 28);
  // Axis and grid: 0, 25, 50, 75, 100 %.
  ctx.font = `14px "${FAMILY}"`;
  ctx.textAlign = 'right';
  for (let p = 0; p <= 100; p += 25) {
    const y = plotTop + plotH - (plotH * p) / 100;
    ctx.strokeStyle = p === 0 ? '#333' : '#ddd';
    ctx.beginPath();
    ctx.moveTo(LEFT, y);
    ctx.lineTo(W - RIGHT, y);
    ctx.stroke();
    ctx.fillStyle = '#444';
    ctx.fillText(`${p} %`, LEFT - 8, y + 5);
  }
  if (bars.length === 0) {
    ctx.textAlign = 'center';
    ctx.fillStyle = '#666';
    ctx.font = `18px "${FAMILY}"`;
    ctx.fillText(empty, LEFT + plotW / 2, plotTop + plotH / 2);
    return;
  }
  const slot = plotW / bars.length;
  const bw = Math.min(60, slot * 0.6);
  ctx.textAlign = 'center';
  bars.forEach((b, i) => {
    const x = LEFT + slot * i + slot / 2;
    if (b.behind !== undefined) {
      ctx.fillStyle = '#e5e7eb';
      const hb = plotH * Math.min(1, b.behind);
      ctx.fillRect(x - bw / 2, plotTop + plotH - hb, bw, hb);
    }
    if (b.value !== null) {
      const h = plotH * Math.min(1, b.value);
      ctx.fillStyle = colour;
      ctx.fillRect(x - bw / 2, plotTop + plotH - h, bw, h);
      ctx.fillStyle = '#111';
      ctx.font = `bold 14px "${FAMILY}"`;
      ctx.fillText(b.caption, x, plotTop + plotH - h - 6);
    }
    ctx.fillStyle = '#333';
    ctx.font = `${bars.length > 14 ? 11 : 14}px "${FAMILY}"`;
    ctx.fillText(b.label, x, plotTop + plotH + 20);
  });
}

/** One PNG: attendance per meeting (top) and dues collected per month (bottom), labels in the reader's language. */
export function buildSummaryChart(t: Translate, cs: CellSummary): Buffer {
  ensureFonts();
  const s = cs.summary;
  const canvas = createCanvas(W, TOP + PANEL_H * 2 + 40);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#b91c1c';
  ctx.font = `bold 26px "${FAMILY}"`;
  ctx.textAlign = 'center';
  ctx.fillText(`${cs.cell.name} — ${t('summary.period', { from: dmy(s.period.from), to: dmy(s.period.to) })}`, W / 2, 40);

  const attendance: Bar[] = s.meetings.map((m) => ({ label: dmy(m.date).slice(0, 5), value: m.rate, caption: m.rate === null ? '—' : `${Math.round(m.rate * 100)} %` }));
  panel(ctx, TOP, t('summary.chart.attendance'), attendance, '#b91c1c', t('summary.chart.noMeetings'));

  const months = monthsOf(s.period).filter((m) => m <= cs.today.slice(0, 7));
  const totals = months.map((mo) => {
    const rows = cs.detail.charges.filter((c) => c.month === mo);
    return { mo, due: rows.reduce((a, c) => a + (c.due ?? 0), 0), paid: rows.reduce((a, c) => a + Math.min(c.paid, c.due ?? c.paid), 0) };
  });
  const dues: Bar[] = totals.filter((x) => x.due > 0).map((x) => ({ label: `${x.mo.slice(5, 7)}/${x.mo.slice(2, 4)}`, value: x.paid / x.due, behind: 1, caption: `${Math.round((x.paid / x.due) * 100)} %` }));
  panel(ctx, TOP + PANEL_H, t('summary.chart.dues'), dues, '#ca8a04', t('summary.chart.noDues'));

  ctx.fillStyle = '#555';
  ctx.font = `14px "${FAMILY}"`;
  ctx.textAlign = 'left';
  ctx.fillText(t('summary.chart.legend'), LEFT, TOP + PANEL_H * 2 + 20);
  return canvas.toBuffer('image/png');
}

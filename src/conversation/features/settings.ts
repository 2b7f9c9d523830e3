import { DomainError } from '../../domain/errors.js';
import type { CellSettings } from '../../domain/settings.js';
import type { Ctx, Feature } from '../context.js';
import { choice, type Choice } from '../message.js';
import { cancelRow, oneColumn, parseId, requirePrivate, withCell } from './shared.js';

type Kind = { type: 'int'; min: number; max: number } | { type: 'time' } | { type: 'enum'; values: readonly string[] } | { type: 'money' } | { type: 'percent' } | { type: 'text' } | { type: 'minutesList' };

/** The settings a secretary can change from the chat, and how each is typed. */
const items: { section: keyof CellSettings; key: string; kind: Kind }[] = [
  { section: 'meetings', key: 'usualDay', kind: { type: 'int', min: 1, max: 28 } },
  { section: 'meetings', key: 'usualTime', kind: { type: 'time' } },
  { section: 'meetings', key: 'quorum', kind: { type: 'enum', values: ['half', 'twoThirds'] } },
  { section: 'meetings', key: 'reminderOffsets', kind: { type: 'minutesList' } },
  { section: 'meetings', key: 'quietFrom', kind: { type: 'time' } },
  { section: 'meetings', key: 'quietTo', kind: { type: 'time' } },
  { section: 'meetings', key: 'checkInMode', kind: { type: 'enum', values: ['button', 'code'] } },
  { section: 'meetings', key: 'superiorContact', kind: { type: 'text' } },
  { section: 'meetings', key: 'checkInBeforeMinutes', kind: { type: 'int', min: 0, max: 240 } },
  { section: 'meetings', key: 'checkInAfterMinutes', kind: { type: 'int', min: 0, max: 480 } },
  { section: 'dues', key: 'reminderDay', kind: { type: 'int', min: 1, max: 28 } },
  { section: 'dues', key: 'otherAmount', kind: { type: 'money' } },
  { section: 'dues', key: 'shareKept', kind: { type: 'percent' } },
  { section: 'dues', key: 'nudgeEveryDays', kind: { type: 'int', min: 1, max: 28 } },
  { section: 'dues', key: 'roundTo', kind: { type: 'int', min: 1, max: 1000 } },
  { section: 'dues', key: 'abroadAmount', kind: { type: 'money' } },
  { section: 'feedback', key: 'digestHour', kind: { type: 'int', min: 0, max: 23 } },
  { section: 'feedback', key: 'dailyLimit', kind: { type: 'int', min: 1, max: 50 } },
  { section: 'feedback', key: 'answerTo', kind: { type: 'enum', values: ['groupFirst', 'everyone'] } },
  { section: 'review', key: 'nudgeHour', kind: { type: 'int', min: 0, max: 23 } },
  { section: 'assignments', key: 'reminderHour', kind: { type: 'int', min: 0, max: 23 } },
  { section: 'residence', key: 'leadDays', kind: { type: 'int', min: 0, max: 90 } },
  { section: 'roster', key: 'personalInviteDays', kind: { type: 'int', min: 1, max: 180 } },
];

function valueText(ctx: Ctx, settings: CellSettings, i: (typeof items)[number]): string {
  const v = (settings[i.section] as Record<string, unknown>)[i.key];
  if (i.kind.type === 'enum') return ctx.t(`settings.values.${String(v)}`);
  if (i.kind.type === 'percent') return `${Math.round(Number(v) * 100)} %`;
  if (i.kind.type === 'money') return `${new Intl.NumberFormat('vi-VN').format(Number(v))} đ`;
  if (i.kind.type === 'minutesList') return (v as number[]).map((m) => formatMinutes(ctx, m)).join(', ');
  return v === null || v === '' ? ctx.t('common.none') : String(v);
}

function formatMinutes(ctx: Ctx, minutes: number): string {
  if (minutes % 1440 === 0) return ctx.t('settings.days', { n: minutes / 1440 });
  if (minutes % 60 === 0) return ctx.t('settings.hours', { n: minutes / 60 });
  return ctx.t('settings.minutes', { n: minutes });
}

function show(ctx: Ctx): Promise<void> | void {
  if (!requirePrivate(ctx)) return;
  return withCell(ctx, 'caidat', 'any', (cellId) => {
    const { settings, cells, access } = ctx.deps.services;
    const values = settings.view(ctx.caller, cellId);
    const cell = cells.get(cellId);
    const lines = items.map((i) => `• ${ctx.t(`settings.items.${i.section}.${i.key}`)}: ${valueText(ctx, values, i)}`);
    lines.push(`• ${ctx.t('settings.items.timezone')}: ${cell.timezone}`);
    const editable = access.actor(ctx.caller, cellId).actor.role === 'secretary';
    const choices: Choice[][] = editable ? oneColumn(items.map((i, n) => choice(ctx.t(`settings.items.${i.section}.${i.key}`), `set:e:${cellId}:${n}`))) : [];
    if (editable) choices.push([choice(ctx.t('settings.items.timezone'), `set:tz:${cellId}`)]);
    ctx.reply({ text: [ctx.t('settings.title', { cell: cell.name }), ...lines, editable ? ctx.t('settings.pick') : ''].filter(Boolean).join('\n'), choices });
  });
}

function edit(ctx: Ctx, cellId: number, index: number): void {
  const item = items[index];
  if (!item) throw new DomainError('SETTINGS.INVALID');
  ctx.deps.services.access.require(ctx.caller, cellId, 'cell.settings');
  if (item.kind.type === 'enum') {
    ctx.reply({ text: ctx.t(`settings.items.${item.section}.${item.key}`), choices: [...oneColumn(item.kind.values.map((v) => choice(ctx.t(`settings.values.${v}`), `set:v:${cellId}:${index}:${v}`))), cancelRow(ctx)] });
    return;
  }
  const numeric = item.kind.type === 'int' || item.kind.type === 'money' || item.kind.type === 'percent';
  ctx.setFlow('settings', 'value', { cellId, index, numeric }, cellId);
  ctx.reply({ text: ctx.t(`settings.ask.${item.kind.type}`, { name: ctx.t(`settings.items.${item.section}.${item.key}`) }), choices: [cancelRow(ctx)] });
}

/** Typed text → the setting's value, or null when it does not fit the kind. */
function parseValue(kind: Kind, text: string): unknown {
  const t = text.trim();
  switch (kind.type) {
    case 'int': {
      const n = Number(t);
      return Number.isInteger(n) && n >= kind.min && n <= kind.max ? n : null;
    }
    case 'time': {
      const m = t.match(/^(\d{1,2})[:hg.](\d{2})?$/i);
      if (!m) return null;
      const h = Number(m[1]);
      const min = Number(m[2] ?? 0);
      return h < 24 && min < 60 ? `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` : null;
    }
    case 'money': {
      const n = Number(t.replace(/[.\s,đ]/g, ''));
      return Number.isInteger(n) && n >= 0 ? n : null;
    }
    case 'percent': {
      const n = Number(t.replace('%', '').replace(',', '.').trim());
      return Number.isFinite(n) && n >= 0 && n <= 100 ? n / 100 : null;
    }
    case 'minutesList': {
      const parts = t.split(/[,;]+/).map((p) => p.trim()).filter(Boolean);
      const minutes = parts.map(parseDuration);
      return minutes.length > 0 && minutes.every((m) => m !== null) ? (minutes as number[]).sort((a, b) => b - a) : null;
    }
    case 'text':
      return t === '-' || t === '' ? null : t.slice(0, 200);
    default:
      return null;
  }
}

/** "3 ngày", "2 giờ", "30 phút", "3d", "2h" → minutes. */
function parseDuration(p: string): number | null {
  const m = p.toLowerCase().match(/^(\d+)\s*(ngày|ngay|d|day|days|giờ|gio|h|hour|hours|phút|phut|m|min|minutes)$/);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] as string;
  if (/^(ngày|ngay|d|day|days)$/.test(unit)) return n * 1440;
  if (/^(giờ|gio|h|hour|hours)$/.test(unit)) return n * 60;
  return n;
}

function save(ctx: Ctx, cellId: number, index: number, value: unknown): void {
  const item = items[index];
  if (!item) throw new DomainError('SETTINGS.INVALID');
  ctx.deps.services.settings.set(ctx.caller, cellId, item.section, item.key, value);
  ctx.clearFlow();
  ctx.reply({ text: ctx.t('settings.saved') });
  ctx.picked = cellId;
  void show(ctx);
}

function flowStep(ctx: Ctx, _step: string, text: string, data: Record<string, unknown>): void {
  const cellId = Number(data.cellId);
  if (data.index === 'tz') {
    ctx.deps.services.settings.setTimezone(ctx.caller, cellId, text.trim());
    ctx.clearFlow();
    ctx.reply({ text: ctx.t('settings.saved') });
    return;
  }
  const item = items[Number(data.index)];
  if (!item) throw new DomainError('SETTINGS.INVALID');
  const value = parseValue(item.kind, text);
  if (value === null && item.kind.type !== 'text') {
    ctx.reply({ text: `${ctx.t('errors.SETTINGS.INVALID')}\n${ctx.t(`settings.ask.${item.kind.type}`, { name: ctx.t(`settings.items.${item.section}.${item.key}`) })}`, choices: [cancelRow(ctx)] });
    return;
  }
  save(ctx, cellId, Number(data.index), value);
}

export const settingsFeature: Feature = {
  commands: { caidat: show },
  actions: {
    set: (ctx, [what, cell, index, value]) => {
      const cellId = parseId(cell);
      if (what === 'e') return edit(ctx, cellId, Number(index));
      if (what === 'v') return save(ctx, cellId, Number(index), value);
      if (what === 'tz') {
        ctx.deps.services.access.require(ctx.caller, cellId, 'cell.settings');
        ctx.setFlow('settings', 'value', { cellId, index: 'tz' }, cellId);
        ctx.reply({ text: ctx.t('settings.ask.timezone'), choices: [[choice('Asia/Ho_Chi_Minh', 'fl:Asia/Ho_Chi_Minh')], cancelRow(ctx)] });
        return;
      }
      return ctx.run('unknown_command');
    },
  },
  flows: { settings: flowStep },
};

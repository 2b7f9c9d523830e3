import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt } from './columns.js';

export const cells = sqliteTable(
  'cells',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    superiorName: text('superior_name').notNull(),
    timezone: text('timezone').notNull(),
    locale: text('locale', { enum: ['vi', 'en'] }).notNull(),
    /** The linked Telegram group, if any (one per cell). */
    telegramGroupId: text('telegram_group_id'),
    /** Per-cell settings (JSON), validated by the settings schema in services. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('cells_telegram_group_id_idx').on(t.telegramGroupId), index('cells_name_idx').on(t.name)],
);

import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.js';
import { cells } from '../schema/index.js';

export type CellRow = typeof cells.$inferSelect;

export class CellRepo {
  constructor(private readonly db: Db) {}

  create(input: Omit<typeof cells.$inferInsert, 'id'>): CellRow {
    return this.db.insert(cells).values(input).returning().get();
  }

  get(id: number): CellRow | undefined {
    return this.db.select().from(cells).where(eq(cells.id, id)).get();
  }

  list(): CellRow[] {
    return this.db.select().from(cells).orderBy(asc(cells.id)).all();
  }

  byIds(ids: number[]): CellRow[] {
    if (ids.length === 0) return [];
    return this.db.select().from(cells).where(inArray(cells.id, ids)).orderBy(asc(cells.name)).all();
  }

  byTelegramGroup(chatId: string): CellRow | undefined {
    return this.db.select().from(cells).where(eq(cells.telegramGroupId, chatId)).get();
  }

  update(id: number, patch: Partial<Omit<CellRow, 'id' | 'createdAt'>>): void {
    this.db.update(cells).set(patch).where(eq(cells.id, id)).run();
  }
}

import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { auditLog } from '../schema/index.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>;

export class AuditRepo {
  constructor(private readonly db: Db) {}

  record(entry: AuditEntry): void {
    this.db.insert(auditLog).values(entry).run();
  }

  recent(cellId: number, limit = 20): AuditRow[] {
    return this.db.select().from(auditLog).where(eq(auditLog.cellId, cellId)).orderBy(desc(auditLog.id)).limit(limit).all();
  }

  byAction(cellId: number, action: string): AuditRow[] {
    return this.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.cellId, cellId), eq(auditLog.action, action)))
      .all();
  }
}

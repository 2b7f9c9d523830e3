import { eq, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { artifacts } from '../schema/index.js';

export class ArtifactRepo {
  constructor(private readonly db: Db) {}

  insert(row: typeof artifacts.$inferInsert): void {
    this.db.insert(artifacts).values(row).run();
  }

  get(id: string): typeof artifacts.$inferSelect | undefined {
    return this.db.select().from(artifacts).where(eq(artifacts.id, id)).get();
  }

  deleteExpired(now: number): number {
    return this.db.delete(artifacts).where(lte(artifacts.expiresAt, now)).run().changes;
  }
}

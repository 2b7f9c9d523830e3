import { integer } from 'drizzle-orm/sqlite-core';

/** Epoch milliseconds; the clock is injected, so defaults are set by repositories, not SQLite. */
export const timestamp = (name: string) => integer(name, { mode: 'number' });
export const createdAt = () => timestamp('created_at').notNull();

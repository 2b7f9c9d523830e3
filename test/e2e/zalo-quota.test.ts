import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, createCell, startWorld, type World } from './harness.js';

/** Reads the outbox as the bot left it, through a second connection (WAL allows it). */
function outboxRows(dbPath: string): { channel: string; status: string; chat_id: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT channel, status, chat_id FROM outbox').all() as { channel: string; status: string; chat_id: string }[];
  } finally {
    db.close();
  }
}

describe('Zalo quota: warn at 80 %, pause on "Quota exceeded", lose nothing', () => {
  let w: World;
  let code: string;
  beforeAll(async () => {
    w = await startWorld({ ZALO_MONTHLY_QUOTA: '10' });
    ({ code } = await createCell(w));
  });
  afterAll(async () => {
    await w?.close();
  });

  it('tells the secretary at 80 % of the monthly budget', async () => {
    const { zalo, tg } = w;
    const u = zalo.newUser('Tư');
    for (let i = 0; i < 8; i++) {
      zalo.sendText(u, '/chibo');
      await zalo.waitForText(u.id, /Bí thư|mã mời/);
    }
    await tg.waitForText(admin.id, 'đã dùng');
  });

  it('holds messages when the platform answers 429 Quota exceeded, and tells the secretary on Telegram', async () => {
    const { zalo, tg } = w;
    zalo.setQuotaUsed(3000);
    const late = zalo.newUser('Muộn');
    zalo.sendText(late, code);
    await tg.waitForText(admin.id, 'hết hạn mức');
    const rows = outboxRows(w.dbPath).filter((r) => r.channel === 'zalo' && r.chat_id === late.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'pending')).toBe(true);
    expect(zalo.stats.quotaRejected).toBeGreaterThan(0);
    // Further messages from Zalo users are still read and handled; their answers wait too.
    zalo.sendText(late, 'Vũ Văn Muộn');
    await tg.waitForText(admin.id, 'Vũ Văn Muộn (qua Zalo)');
    const waiting = outboxRows(w.dbPath).filter((r) => r.channel === 'zalo' && r.chat_id === late.id);
    expect(waiting.length).toBe(rows.length + 1);
  });
});

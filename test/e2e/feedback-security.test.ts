import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUser } from '../fakes/telegram.js';
import type { ZaloCall, ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, numberOf, startWorld, type World } from './harness.js';
import { jobsRun, joinOnZalo, setRole } from './meetings-harness.js';

/**
 * The promises of issue 5, checked the way an attacker with a copy of the server's files would:
 * after a round of anonymous feedback from several members on both channels, nothing in the
 * database (every table, and the raw bytes of the file and its write-ahead log) or in the logs
 * ties a feedback to its sender, drafts never sat in clear, and a self-criticism is ciphertext.
 */
const KEYS = `k1:${Buffer.alloc(32, 8).toString('base64')}`;

// Long ids, so finding one in raw bytes is never a coincidence.
const an: FakeUser = { id: 731_000_501, first_name: 'Nguyễn', last_name: 'Văn An' };
const bao: FakeUser = { id: 731_000_502, first_name: 'Trương', last_name: 'Quốc Bảo' };
const cuong: FakeUser = { id: 731_000_503, first_name: 'Lê', last_name: 'Văn Cường' };

const sent = ['SECFB1 đề nghị chi ủy công khai lịch họp cả năm.', 'SECFB2 phòng họp cần thêm ghế ngồi.', 'SECFB3 nên mời báo cáo viên về chuyển đổi số.', 'SECFB4 tài liệu họp nên gửi bản điện tử.'];
const neverSent = ['SECDRAFT1 bản nháp đã sửa lại trước khi gửi.', 'SECDRAFT2 bản nháp đã hủy.'];
const NOTE = 'SECNOTE7 tôi còn chậm trễ trong việc nộp báo cáo.';

type Row = Record<string, unknown>;

describe('security: nothing links anonymous feedback to its sender; notes are ciphertext', () => {
  let w: World;
  let dung: ZaloUser;
  let giang: ZaloUser;
  const cliOut: string[] = [];

  const zaloSend = async (u: ZaloUser, text: string): Promise<ZaloCall> => {
    w.zalo.sendText(u, '/gopy');
    const intro = await w.zalo.waitForText(u.id, 'Góp ý ẩn danh gửi chi ủy');
    w.zalo.sendText(u, numberOf(String(intro.params.text), 'Góp ý chung cho chi ủy'));
    await w.zalo.waitForText(u.id, 'Gõ nội dung góp ý');
    w.zalo.sendText(u, text);
    const preview = await w.zalo.waitForText(u.id, 'Xem lại trước khi gửi');
    w.zalo.sendText(u, numberOf(String(preview.params.text), 'Gửi'));
    return w.zalo.waitForText(u.id, /Mã phiếu|đã gửi đủ/);
  };

  beforeAll(async () => {
    w = await startWorld({ FEEDBACK_SECRET: 'e2e-security-secret-0123456789', SELF_REVIEW_KEYS: KEYS, LOG_LEVEL: 'debug' });
    const { code } = await createCell(w);
    for (const u of [an, bao, cuong]) await joinOnTelegram(w, u, code);
    dung = await joinOnZalo(w, 'Dung', 'Phạm Thị Dung', code);
    giang = await joinOnZalo(w, 'Giang', 'Vũ Văn Giang', code);
    setRole(w, 'Lê Văn Cường', 'committee');

    const { tg, zalo } = w;
    // An (Telegram) edits once, sends, and has the dialogue deleted.
    tg.sendText(an, '/gopy');
    let intro = await tg.waitForText(an.id, 'Góp ý ẩn danh gửi chi ủy');
    tg.clickButton(an, intro, button(intro, 'Góp ý chung cho chi ủy'));
    await tg.waitForText(an.id, 'Gõ nội dung góp ý');
    tg.sendText(an, neverSent[0] as string);
    let preview = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
    tg.clickButton(an, preview, button(preview, 'Sửa'));
    await tg.waitForText(an.id, 'Gõ nội dung góp ý');
    tg.sendText(an, sent[0] as string);
    preview = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
    tg.clickButton(an, preview, button(preview, 'Gửi'));
    const done = await tg.waitForText(an.id, 'Mã phiếu');
    tg.clickButton(an, done, button(done, 'Xóa tin nhắn góp ý'));
    await tg.waitForText(an.id, 'Đã xóa');
    // Bảo (Telegram) sends a concern and leaves the offer to delete unanswered.
    tg.sendText(bao, '/gopy');
    intro = await tg.waitForText(bao.id, 'Góp ý ẩn danh gửi chi ủy');
    tg.clickButton(bao, intro, button(intro, 'Phản ánh'));
    await tg.waitForText(bao.id, 'Gõ nội dung góp ý');
    tg.sendText(bao, sent[1] as string);
    preview = await tg.waitForText(bao.id, 'Xem lại trước khi gửi');
    tg.clickButton(bao, preview, button(preview, 'Gửi'));
    await tg.waitForText(bao.id, 'Mã phiếu');
    // Dũng (Zalo) cancels one draft, then sends another.
    zalo.sendText(dung, '/gopy');
    const zIntro = await zalo.waitForText(dung.id, 'Góp ý ẩn danh gửi chi ủy');
    zalo.sendText(dung, numberOf(String(zIntro.params.text), 'Góp ý chung cho chi ủy'));
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, neverSent[1] as string);
    await zalo.waitForText(dung.id, 'Xem lại trước khi gửi');
    zalo.sendText(dung, 'hủy');
    await zalo.waitForText(dung.id, 'Đã hủy');
    expect(String((await zaloSend(dung, sent[2] as string)).params.text)).toContain('Mã phiếu');
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('the abuse limit holds at five a day', async () => {
    for (let i = 0; i < 5; i++) expect(String((await zaloSend(giang, i === 0 ? (sent[3] as string) : `Góp ý bình thường số ${i}.`)).params.text)).toContain('Mã phiếu');
    expect(String((await zaloSend(giang, 'Góp ý thứ sáu trong ngày.')).params.text)).toContain('đã gửi đủ 5 góp ý');
  }, 30_000);

  it('a self-criticism note is written (to check it is stored encrypted)', async () => {
    const { tg } = w;
    tg.sendText(admin, '/tukiemdiem');
    const none = await tg.waitForText(admin.id, 'chưa mở đợt tự kiểm điểm');
    tg.clickButton(admin, none, button(none, 'Mở đợt tự kiểm điểm'));
    const kind = await tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm cho');
    tg.clickButton(admin, kind, button(kind, 'Kiểm điểm cuối năm'));
    const deadline = await tg.waitForText(admin.id, 'Hạn nộp?');
    tg.clickButton(admin, deadline, button(deadline, 'Sau 7 ngày'));
    const confirm = await tg.waitForText(admin.id, 'Mở đợt tự kiểm điểm năm');
    tg.clickButton(admin, confirm, button(confirm, 'Mở đợt'));
    await tg.waitForText(admin.id, 'Đã mở đợt');
    tg.sendText(an, '/tukiemdiem');
    const menu = await tg.waitForText(an.id, 'Tự kiểm điểm năm');
    tg.clickButton(an, menu, button(menu, 'Viết tiếp'));
    await tg.waitForText(an.id, 'Mục 1/9');
    tg.sendText(an, NOTE);
    await tg.waitForText(an.id, 'Đã ghi vào mục 1');
  });

  it('the digest goes out; a later run forgets unanswered offers to delete', async () => {
    // Tomorrow's digest: the bot's own tick (at the real time) may already have taken today's.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(Date.now() + 86_400_000);
    const run = await jobsRun(w, `${day}T23:00:00+07:00`);
    expect(run.code).toBe(0);
    cliOut.push(run.stdout, run.stderr);
    await w.tg.waitForText(cuong.id, 'Tổng hợp góp ý ẩn danh');
    const later = await jobsRun(w, `${day}T23:30:00+07:00`);
    expect(later.code).toBe(0);
    cliOut.push(later.stdout, later.stderr);
    // Two CLI processes, each loading the whole app: under a fully parallel run they alone can take 30 s.
  }, 60_000);

  describe('a copy of the database and the logs', () => {
    const senders = () => {
      const db = new Database(w.dbPath, { readonly: true });
      const people = db
        .prepare("SELECT m.id AS memberId, m.person_id AS personId, m.full_name AS name FROM members m WHERE m.full_name IN ('Nguyễn Văn An', 'Trương Quốc Bảo', 'Phạm Thị Dung', 'Vũ Văn Giang')")
        .all() as { memberId: number; personId: number; name: string }[];
      const accounts = db.prepare(`SELECT channel, external_id AS externalId, display_name AS displayName FROM accounts WHERE person_id IN (${people.map((p) => p.personId).join(',')})`).all() as { channel: string; externalId: string; displayName: string }[];
      db.close();
      return { people, accounts, strings: [...people.map((p) => p.name), ...accounts.map((a) => a.externalId), ...accounts.map((a) => a.displayName).filter((d) => d.length >= 4)] };
    };

    it('the feedback table has no column and no value that points to a sender', () => {
      const db = new Database(w.dbPath, { readonly: true });
      const columns = (db.prepare('PRAGMA table_info(feedback)').all() as { name: string }[]).map((c) => c.name).sort();
      const rows = db.prepare('SELECT * FROM feedback').all() as Row[];
      db.close();
      expect(columns).toEqual(['answer', 'answered_by', 'answered_on', 'cell_id', 'created_on', 'delivered_on', 'draft_id', 'id', 'text', 'ticket_hash', 'topic']);
      expect(rows.length).toBe(8);
      const { people, strings } = senders();
      for (const row of rows) {
        expect(row.answered_by).toBeNull();
        expect(String(row.created_on)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        const values = Object.entries(row).filter(([k]) => k !== 'cell_id' && k !== 'topic').map(([, v]) => String(v));
        for (const p of people) expect(values).not.toContain(String(p.personId));
        for (const p of people) expect(values).not.toContain(String(p.memberId));
        for (const s of strings) expect(values.join('\n')).not.toContain(s);
      }
      for (const t of sent) expect(rows.map((r) => r.text)).toContain(t);
    });

    it('no row of any table holds a feedback text together with a sender; drafts are nowhere', () => {
      const db = new Database(w.dbPath, { readonly: true });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      const { people, strings } = senders();
      const ids = new Set([...people.map((p) => p.personId), ...people.map((p) => p.memberId)]);
      let seen = 0;
      for (const table of tables) {
        for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Row[]) {
          const json = JSON.stringify(row);
          for (const d of [...neverSent, NOTE]) expect(json, `${table} holds a text that was never to be stored in clear`).not.toContain(d.slice(0, 12));
          if (!sent.some((t) => json.includes(t.slice(0, 6)))) continue;
          seen++;
          for (const s of strings) expect(json, `${table} links a feedback to ${s}`).not.toContain(s);
          for (const key of ['person_id', 'member_id', 'actor_person_id', 'target_member_id']) if (key in row) expect(ids.has(Number(row[key])), `${table}.${key}`).toBe(false);
        }
      }
      // The feedback rows and the digests to the committee, nothing else.
      expect(seen).toBeGreaterThanOrEqual(6);
      // The dialogues that held the drafts are wiped, offers to delete included.
      const convs = db.prepare('SELECT channel, chat_id AS chatId, flow, data, choices FROM conversations').all() as { channel: string; chatId: string; flow: string | null; data: string; choices: string }[];
      const { accounts } = senders();
      for (const a of accounts) {
        const c = convs.find((x) => x.channel === a.channel && x.chatId === a.externalId);
        if (!c) continue;
        expect(c.flow === null || c.flow === 'selfReview', `${a.channel} chat still in a feedback dialogue`).toBe(true);
        if (c.flow === null) expect(c.data).toBe('{}');
        expect(c.choices).not.toContain('fbx:');
      }
      // Handled updates keep the update id only.
      const processed = db.prepare('SELECT * FROM processed_updates').all() as Row[];
      expect(Object.keys(processed[0] ?? {}).sort()).toEqual(['channel', 'created_at', 'update_key']);
      for (const p of processed) for (const t of [...sent, ...neverSent]) expect(String(p.update_key)).not.toContain(t.slice(0, 6));
      // The abuse counters: a keyed hash, a day and a count.
      for (const l of db.prepare('SELECT * FROM feedback_limits').all() as Row[]) expect(Object.keys(l).sort()).toEqual(['bucket', 'count', 'day']);
      db.close();
    });

    it('the raw file and its write-ahead log: drafts and notes never in clear, feedback never beside a sender', () => {
      const db = new Database(w.dbPath, { readonly: true });
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      const owner = new Map((db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [r.pageno, r.name]));
      db.close();
      const { strings } = senders();
      const files = [w.dbPath, `${w.dbPath}-wal`, `${w.dbPath}-shm`].filter((p) => existsSync(p));
      let found = 0;
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const d of [...neverSent, NOTE]) expect(bytes.includes(Buffer.from(d.slice(0, 9))), `${file} holds ${d.slice(0, 9)}`).toBe(false);
        const wal = file.endsWith('-wal');
        for (const t of sent) {
          const marker = Buffer.from(t.slice(0, 6));
          for (let at = bytes.indexOf(marker); at >= 0; at = bytes.indexOf(marker, at + 1)) {
            found++;
            let page: Buffer;
            let pageno: number;
            if (wal) {
              const frame = Math.floor((at - 32) / (24 + pageSize));
              const start = 32 + frame * (24 + pageSize);
              pageno = bytes.readUInt32BE(start);
              page = bytes.subarray(start + 24, start + 24 + pageSize);
            } else {
              pageno = Math.floor(at / pageSize) + 1;
              page = bytes.subarray((pageno - 1) * pageSize, pageno * pageSize);
            }
            // Outbox rows (the digests) are checked row by row above; any other page must not name a sender.
            if (owner.get(pageno) === 'outbox') continue;
            const text = page.toString('utf8') + page.toString('latin1');
            for (const s of strings) expect(text.includes(s), `${file} page ${pageno} (${owner.get(pageno) ?? 'free'}) has ${t.slice(0, 6)} beside ${s}`).toBe(false);
          }
        }
      }
      expect(found).toBeGreaterThan(0);
    });

    it('start-up warns in production when the keys are left to their defaults', async () => {
      // Fakes of its own: a second bot polling this world's fakes would end the first one's Telegram polling (409).
      const prod = await startWorld({ NODE_ENV: 'production', LOG_LEVEL: 'debug', SELF_REVIEW_KEYS: '', FEEDBACK_SECRET: '' });
      await prod.close();
      const { bot } = prod;
      expect(bot.logs.some((l) => l.includes('SELF_REVIEW_KEYS is not set'))).toBe(true);
      expect(bot.logs.some((l) => l.includes('FEEDBACK_SECRET is not set'))).toBe(true);
      expect(w.bot.logs.some((l) => l.includes('is not set'))).toBe(false);
    });

    it('the logs carry neither contents nor senders on the feedback path', () => {
      const logs = [...w.bot.logs, ...cliOut].join('\n');
      for (const t of [...sent, ...neverSent, NOTE]) expect(logs).not.toContain(t.slice(0, 6));
      const { strings } = senders();
      for (const s of strings) expect(logs).not.toContain(s);
    });
  });
});

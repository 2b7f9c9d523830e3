import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeChat, FakeUser } from '../fakes/telegram.js';
import type { ZaloUser } from '../fakes/zalo.js';
import { admin, button, createCell, joinOnTelegram, linkGroup, numberOf, startWorld, textOf, type World } from './harness.js';
import { jobsRunLocal, joinOnZalo, setCellSettings, setRole } from './meetings-harness.js';

const KEYS = `k1:${Buffer.alloc(32, 3).toString('base64')}`;
const group: FakeChat = { id: -100_424_242, type: 'supergroup', title: 'Chi bộ Phòng Tổ chức' };

const an: FakeUser = { id: 7_301, first_name: 'Nguyễn', last_name: 'Văn An' };
const cuong: FakeUser = { id: 7_303, first_name: 'Lê', last_name: 'Văn Cường' };

/** Picks a numbered Zalo choice by its label, as a member would type it. */
async function zaloPick(w: World, u: ZaloUser, call: { params: Record<string, unknown> }, label: string): Promise<void> {
  w.zalo.sendText(u, numberOf(String(call.params.text), label));
}

describe('anonymous feedback on Telegram and Zalo', () => {
  let w: World;
  let dung: ZaloUser;
  let em: ZaloUser;
  let anTicket = '';
  let dungTicket = '';
  let inviteCode = '';

  beforeAll(async () => {
    w = await startWorld({ FEEDBACK_SECRET: 'e2e-feedback-secret-0123456789', SELF_REVIEW_KEYS: KEYS });
    ({ code: inviteCode } = await createCell(w));
    await linkGroup(w, group);
    await joinOnTelegram(w, an, inviteCode);
    dung = await joinOnZalo(w, 'Dung', 'Phạm Thị Dung', inviteCode);
  }, 60_000);

  afterAll(async () => {
    await w?.close();
  });

  it('Telegram: warns of weak anonymity in a small cell, previews, edits, and sends with a one-time ticket', async () => {
    const { tg } = w;
    const start = tg.sendText(an, '/gopy') as { message: { message_id: number } };
    const intro = await tg.waitForText(an.id, 'Góp ý ẩn danh gửi chi ủy');
    expect(textOf(intro)).toContain('nghiêm cấm tố cáo nặc danh');
    expect(textOf(intro)).toContain('chỉ có 3 đảng viên');
    tg.clickButton(an, intro, button(intro, 'Góp ý chung cho chi ủy'));
    await tg.waitForText(an.id, 'Gõ nội dung góp ý');
    tg.sendText(an, 'Đề nghị gửi tài liệu họp sớm.');
    let preview = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
    expect(textOf(preview)).toContain('Đề nghị gửi tài liệu họp sớm.');
    expect(textOf(preview)).toContain('ẩn danh');
    tg.clickButton(an, preview, button(preview, 'Sửa'));
    await tg.waitForText(an.id, 'Gõ nội dung góp ý');
    tg.sendText(an, 'Đề nghị chi ủy gửi tài liệu họp trước hai ngày.');
    preview = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
    expect(textOf(preview)).toContain('trước hai ngày');
    tg.clickButton(an, preview, button(preview, 'Gửi'));
    const sent = await tg.waitForText(an.id, 'Mã phiếu');
    anTicket = /([A-Z2-9]{5}-[A-Z2-9]{5})/.exec(textOf(sent))?.[1] ?? '';
    expect(anTicket).not.toBe('');
    expect(textOf(sent)).toContain('bản tổng hợp lúc 18:00');
    // The offer to delete the dialogue: everything from /gopy to the preview goes; the ticket stays.
    tg.clickButton(an, sent, button(sent, 'Xóa tin nhắn góp ý'));
    await tg.waitForText(an.id, 'Đã xóa các tin nhắn');
    const deleted = tg.calls.filter((c) => c.method === 'deleteMessage' && c.ok && Number(c.params.chat_id) === an.id).map((c) => Number(c.params.message_id));
    expect(deleted).toContain(start.message.message_id);
    expect(deleted).toContain(preview.message_id);
    expect(deleted).not.toContain(sent.message_id);
    // The dialogue that held the text is wiped, and the offer forgotten.
    const db = new Database(w.dbPath, { readonly: true });
    const conv = db.prepare("SELECT flow, data, choices FROM conversations WHERE channel = 'telegram' AND chat_id = ?").get(String(an.id)) as { flow: string | null; data: string; choices: string };
    db.close();
    expect(conv.flow).toBeNull();
    expect(conv.data).toBe('{}');
    expect(conv.choices).not.toContain('fbx:');
  });

  it('Zalo: typed numbers all the way, a concern, and advice to delete by hand', async () => {
    const { zalo } = w;
    zalo.sendText(dung, 'gopy');
    const intro = await zalo.waitForText(dung.id, 'Góp ý ẩn danh gửi chi ủy');
    expect(intro.params.reply_markup).toBeUndefined();
    await zaloPick(w, dung, intro, 'Phản ánh');
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, 'Phòng họp quá nóng.');
    const first = await zalo.waitForText(dung.id, 'Xem lại trước khi gửi');
    await zaloPick(w, dung, first, 'Sửa');
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, 'Phòng họp quá nóng, đề nghị sửa máy lạnh trước kỳ họp tới.');
    const preview = await zalo.waitForText(dung.id, 'Xem lại trước khi gửi');
    expect(String(preview.params.text)).toContain('Phản ánh');
    await zaloPick(w, dung, preview, 'Gửi');
    const sent = await zalo.waitForText(dung.id, 'Mã phiếu');
    dungTicket = /([A-Z2-9]{5}-[A-Z2-9]{5})/.exec(String(sent.params.text))?.[1] ?? '';
    expect(dungTicket).not.toBe('');
    expect(String(sent.params.text)).toContain('Zalo không cho phép bot xóa tin nhắn');
  });

  it('Zalo: a plain accusation is not sent anonymously; sent openly, it reaches the committee with the name', async () => {
    const { zalo, tg } = w;
    zalo.sendText(dung, '/gopy');
    const intro = await zalo.waitForText(dung.id, 'Góp ý ẩn danh gửi chi ủy');
    await zaloPick(w, dung, intro, 'Góp ý chung cho chi ủy');
    await zalo.waitForText(dung.id, 'Gõ nội dung góp ý');
    zalo.sendText(dung, 'Đồng chí An nhận hối lộ khi xét thi đua.');
    const warn = await zalo.waitForText(dung.id, 'nêu đích danh một người');
    expect(String(warn.params.text)).toContain('đồng chí An'.replace('đ', 'Đ'));
    await zaloPick(w, dung, warn, 'Gửi công khai, ghi rõ tên');
    await zalo.waitForText(dung.id, 'Đã gửi ý kiến ghi rõ tên');
    const card = await tg.waitForText(admin.id, 'Ý kiến ghi tên');
    expect(textOf(card)).toContain('Phạm Thị Dung');
    expect(textOf(card)).toContain('nhận hối lộ');
  });

  it('Telegram: Hủy wipes the draft; the answers setting in /caidat; the daily limit holds', async () => {
    const { tg } = w;
    tg.sendText(an, '/gopy');
    const intro = await tg.waitForText(an.id, 'Góp ý ẩn danh gửi chi ủy');
    tg.clickButton(an, intro, button(intro, 'Phản ánh'));
    await tg.waitForText(an.id, 'Gõ nội dung góp ý');
    tg.sendText(an, 'Một góp ý sẽ bị hủy trước khi gửi.');
    const preview = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
    tg.clickButton(an, preview, button(preview, 'Hủy'));
    await tg.waitForText(an.id, 'Đã hủy');
    // The secretary's settings: answers also privately to everyone (by buttons)…
    tg.sendText(admin, '/caidat');
    const settings = await tg.waitForText(admin.id, 'Cài đặt của');
    expect(textOf(settings)).toContain('Số góp ý ẩn danh tối đa mỗi người mỗi ngày: 5');
    tg.clickButton(admin, settings, button(settings, 'Gửi câu trả lời góp ý đến'));
    const values = await tg.waitForText(admin.id, 'Gửi câu trả lời góp ý đến');
    tg.clickButton(admin, values, button(values, 'tin riêng cho mọi người'));
    await tg.waitForText(admin.id, 'Đã lưu cài đặt');
    // …and two anonymous items a day (set in the database here: a typed "2" would hit an approval card's number).
    setCellSettings(w, 'feedback', { dailyLimit: 2 });
    const send = async (text: string) => {
      tg.sendText(an, '/gopy');
      const i = await tg.waitForText(an.id, 'Góp ý ẩn danh gửi chi ủy');
      tg.clickButton(an, i, button(i, 'Góp ý chung cho chi ủy'));
      await tg.waitForText(an.id, 'Gõ nội dung góp ý');
      tg.sendText(an, text);
      const p = await tg.waitForText(an.id, 'Xem lại trước khi gửi');
      tg.clickButton(an, p, button(p, 'Gửi'));
      return tg.waitForText(an.id, /Mã phiếu|đã gửi đủ/);
    };
    const kept = await send('Đề nghị biểu dương tổ 2 vì làm tốt công tác dân vận.');
    expect(textOf(kept)).toContain('Mã phiếu');
    tg.clickButton(an, kept, button(kept, 'Giữ lại'));
    await tg.waitForText(an.id, 'Đã giữ nguyên các tin nhắn');
    const refused = await send('Góp ý thứ ba trong ngày, vượt giới hạn.');
    expect(textOf(refused)).toContain('đã gửi đủ 2 góp ý');
    const db = new Database(w.dbPath, { readonly: true });
    const texts = (db.prepare('SELECT text FROM feedback').all() as { text: string }[]).map((r) => r.text);
    db.close();
    expect(texts).not.toContain('Góp ý thứ ba trong ngày, vượt giới hạn.');
    expect(texts).not.toContain('Một góp ý sẽ bị hủy trước khi gửi.');
    expect(texts).toHaveLength(3);
  });

  it('the digest reaches the committee on both channels (never the sender), and an answer goes to the whole cell', async () => {
    const { tg, zalo } = w;
    await joinOnTelegram(w, cuong, inviteCode);
    em = await joinOnZalo(w, 'Em', 'Hoàng Văn Em', inviteCode);
    setRole(w, 'Lê Văn Cường', 'committee');
    setRole(w, 'Hoàng Văn Em', 'committee');
    // Tomorrow's digest: the bot's own tick (at the real time) may already have taken today's.
    const run = await jobsRunLocal(w, '23:00', 1);
    expect(run.code).toBe(0);
    const digest = await tg.waitForText(cuong.id, 'Tổng hợp góp ý ẩn danh');
    for (const t of ['trước hai ngày', 'máy lạnh', 'biểu dương tổ 2']) expect(textOf(digest)).toContain(t);
    expect(textOf(digest)).not.toContain('Nguyễn Văn An');
    expect(textOf(digest)).not.toContain('Phạm Thị Dung');
    await tg.waitForText(admin.id, 'Tổng hợp góp ý ẩn danh');
    const zaloDigest = await zalo.waitForText(em.id, 'Tổng hợp góp ý ẩn danh');
    expect(zalo.textsTo(em.id).join('\n')).toMatch(/\d+\. Trả lời góp ý 1/);
    // Plain members get no digest.
    expect(tg.sent(an.id).some((c) => textOf(c).includes('Tổng hợp góp ý'))).toBe(false);
    expect(zalo.textsTo(dung.id).some((t) => t.includes('Tổng hợp góp ý'))).toBe(false);
    // The committee member answers the item about the meeting papers, on Telegram.
    const item = /Góp ý (\d+) — [^\n]*:\n[^\n]*trước hai ngày/.exec(textOf(digest))?.[1] as string;
    tg.clickButton(cuong, digest, button(digest, `Trả lời góp ý ${item}`));
    await tg.waitForText(cuong.id, 'Gõ câu trả lời');
    tg.sendText(cuong, 'Chi ủy tiếp thu: từ tháng sau tài liệu gửi trước ba ngày.');
    const answerPreview = await tg.waitForText(cuong.id, 'Xem lại câu trả lời');
    tg.clickButton(cuong, answerPreview, button(answerPreview, 'Đăng trả lời'));
    await tg.waitForText(cuong.id, 'Đã gửi câu trả lời');
    const post = await tg.waitForText(group.id, 'trả lời góp ý');
    expect(textOf(post)).toContain('trước hai ngày');
    expect(textOf(post)).toContain('tài liệu gửi trước ba ngày');
    // Zalo members have no group: they get it privately; with "everyone" set, Telegram members too.
    await zalo.waitForText(dung.id, 'tài liệu gửi trước ba ngày');
    await tg.waitForText(an.id, 'tài liệu gửi trước ba ngày');
    // The Zalo committee member answers another item by typing numbers.
    const other = /Góp ý (\d+) — [^\n]*:\n[^\n]*máy lạnh/.exec(zalo.textsTo(em.id).join('\n'))?.[1] as string;
    const withChoices = zalo.sent(em.id).reverse().find((c) => String(c.params.text).includes(`Trả lời góp ý ${other}`)) ?? zaloDigest;
    zalo.sendText(em, numberOf(String(withChoices.params.text), `Trả lời góp ý ${other}`));
    await zalo.waitForText(em.id, 'Gõ câu trả lời');
    zalo.sendText(em, 'Đã báo bộ phận hành chính sửa máy lạnh.');
    const zPreview = await zalo.waitForText(em.id, 'Xem lại câu trả lời');
    await zaloPick(w, em, zPreview, 'Đăng trả lời');
    await zalo.waitForText(em.id, 'Đã gửi câu trả lời');
    await tg.waitForText(group.id, 'sửa máy lạnh');
    // The committee's list of what it received, answered items marked, on both channels.
    tg.sendText(admin, '/gopy');
    const adminIntro = await tg.waitForText(admin.id, 'Góp ý ẩn danh gửi chi ủy');
    tg.clickButton(admin, adminIntro, button(adminIntro, 'Góp ý chi ủy đã nhận'));
    const received = await tg.waitForText(admin.id, 'Góp ý chi ủy đã nhận (chưa trả lời trước)');
    expect(textOf(received)).toContain('biểu dương tổ 2');
    expect(textOf(received).match(/đã trả lời/g)).toHaveLength(2);
    zalo.sendText(em, '/gopy');
    const emIntro = await zalo.waitForText(em.id, 'Góp ý ẩn danh gửi chi ủy');
    await zaloPick(w, em, emIntro, 'Góp ý chi ủy đã nhận');
    await zalo.waitForText(em.id, 'chưa trả lời\n');
  }, 60_000);

  it('each author reads the answer with the ticket, and only with it', async () => {
    const { tg, zalo } = w;
    tg.sendText(an, `/gopy ${anTicket}`);
    const seen = await tg.waitForText(an.id, 'Trả lời của chi ủy');
    expect(textOf(seen)).toContain('tài liệu gửi trước ba ngày');
    zalo.sendText(dung, `/gopy ${dungTicket.toLowerCase()}`);
    await zalo.waitForText(dung.id, 'sửa máy lạnh');
    tg.sendText(an, '/gopy ZZZZZ-ZZZZZ');
    await tg.waitForText(an.id, 'Mã phiếu không đúng');
  });

  it('logs never carry feedback contents', () => {
    const logs = w.bot.logs.join('\n');
    for (const t of ['trước hai ngày', 'máy lạnh', 'hối lộ', 'biểu dương tổ 2', 'rút gọn phần đánh giá']) expect(logs).not.toContain(t);
  });
});

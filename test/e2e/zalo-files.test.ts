import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCell, freePort, linkZalo, numberOf, startWorld, type World } from './harness.js';

describe('files on Zalo: signed, expiring links instead of uploads', () => {
  let w: World;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    w = await startWorld({ PUBLIC_BASE_URL: 'https://bot.example.vn', WEBHOOK_PORT: String(port), HTTP_HOST: '127.0.0.1' });
    await createCell(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('sends the invite QR as a photo URL served by the bot, and refuses a forged link', async () => {
    const z = await linkZalo(w);
    w.zalo.sendText(z, '/moi');
    const menu = await w.zalo.waitForText(z.id, 'Mời đảng viên');
    w.zalo.sendText(z, numberOf(String(menu.params.text), 'dùng 1 lần'));
    const photo = await w.zalo.waitFor((c) => c.method === 'sendPhoto' && c.params.chat_id === z.id);
    const url = String(photo.params.photo);
    expect(url).toMatch(/^https:\/\/bot\.example\.vn\/files\/[0-9a-f]{24}\.\d+\.[0-9a-f]{64}\.png$/);
    const local = url.replace('https://bot.example.vn', `http://127.0.0.1:${port}`);
    const res = await fetch(local);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    const forged = local.replace(/\.([0-9a-f])([0-9a-f]{63})\.png$/, (_m, a: string, rest: string) => `.${a === '0' ? '1' : '0'}${rest}.png`);
    expect((await fetch(forged)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});

describe('files on Zalo without a public address', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
    await createCell(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('says plainly where to get the file instead of dropping it', async () => {
    const z = await linkZalo(w);
    w.zalo.sendText(z, '/moi');
    const menu = await w.zalo.waitForText(z.id, 'Mời đảng viên');
    w.zalo.sendText(z, numberOf(String(menu.params.text), 'dùng 1 lần'));
    const reply = await w.zalo.waitForText(z.id, 'Đã tạo mã mời');
    expect(String(reply.params.text)).toContain('không nhận được tệp');
    expect(w.zalo.calls.some((c) => c.method === 'sendPhoto')).toBe(false);
  });
});

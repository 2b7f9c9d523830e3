import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The playground in a real headless browser (Debian's chromium, driven by playwright-core): `npm
 * start` without a token opens it, and the test follows the guided tour as a person would — it
 * presses the bot's buttons, types as members on Telegram and on Zalo, moves the clock, and checks
 * what each person sees. Where no browser is installed the suite says so in one line and is skipped.
 * PLAYGROUND_TEST_SHOTS=<dir> keeps a screenshot of each step (for looking at the page).
 */
const root = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) process.stdout.write(`playground browser test skipped: no browser at ${CHROMIUM} (apt-get install chromium)\n`);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WAIT = 20_000;

describe.skipIf(!haveBrowser)('playground: the guided tour in a real browser', { timeout: 60_000 }, () => {
  let proc: ChildProcess;
  let dir: string;
  let url = '';
  let out = '';
  let browser: Browser;
  let page: Page;
  const elsewhere: string[] = [];
  const shots = process.env.PLAYGROUND_TEST_SHOTS;
  let shot = 0;

  const snap = async (name: string): Promise<void> => {
    if (shots) await page.screenshot({ path: join(shots, `${String(++shot).padStart(2, '0')}-${name}.png`) });
  };
  const pane = (which: 'private' | 'group'): Locator => page.getByTestId(`${which}-messages`);
  /** The latest message in a pane containing `text`, once it is there. */
  const message = async (which: 'private' | 'group', text: string | RegExp): Promise<Locator> => {
    const m = pane(which).getByTestId('message').filter({ hasText: text }).last();
    await m.waitFor({ timeout: WAIT });
    return m;
  };
  const press = async (m: Locator, label: string | RegExp): Promise<void> => {
    await m.getByTestId('button').filter({ hasText: label }).first().click();
  };
  const choose = async (key: string): Promise<void> => {
    await page.getByTestId(`person-${key}`).click();
    await page.locator(`[data-testid=private-pane][data-person=${key}]`).waitFor({ timeout: WAIT });
  };
  /** Waits until `check` holds (the page updates itself from the playground's state). */
  const until = async (what: string, check: () => Promise<boolean>, timeout = WAIT): Promise<void> => {
    const deadline = Date.now() + timeout;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const say = async (text: string, where: 'private' | 'group' = 'private'): Promise<void> => {
    const box = page.getByTestId(`composer-${where}`);
    await box.fill(text);
    await box.press('Enter');
    // The box empties once the playground has taken the message.
    await until('the message to be sent', async () => (await box.inputValue()) === '');
  };
  /** On Zalo: the number of the choice whose label contains `label`, in a numbered list. */
  const numberIn = async (m: Locator, label: string): Promise<string> => {
    const text = await m.innerText();
    const line = text.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label));
    if (!line) throw new Error(`no choice "${label}" in:\n${text}`);
    return line.split('.')[0] as string;
  };
  const nowText = (): Promise<string> => page.getByTestId('now').innerText();
  const moveClock = async (kind: 'hour' | 'day' | 'meeting' | 'month', to: string): Promise<void> => {
    await page.getByTestId(`move-${kind}`).click();
    await until(`the clock to show ${to}`, async () => (await nowText()).includes(to), 40_000);
    await page.getByTestId('moving').waitFor({ state: 'hidden', timeout: 40_000 });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chibo-playground-'));
    // `npm start` with no token and no NODE_ENV: the playground, on a free port, with its own data folder.
    // A developer's own .env (with tokens) is not read: DOTENV_CONFIG_PATH names a file that does not exist.
    proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PLAYGROUND_PORT: '0', PLAYGROUND_DIR: join(dir, 'data'), DOTENV_CONFIG_PATH: join(dir, '.env') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`playground did not start:\n${out}\n${err}`)), 30_000);
      const check = setInterval(() => {
        const found = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
        if (found) {
          url = found;
          clearInterval(check);
          clearTimeout(timer);
          done();
        }
      }, 25);
      proc.once('exit', (code) => {
        clearInterval(check);
        clearTimeout(timer);
        fail(new Error(`playground exited with ${code}:\n${out}\n${err}`));
      });
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN' });
    page.on('dialog', (d) => void d.accept());
    // The page loads nothing from elsewhere: the last test checks that this stayed empty.
    page.on('request', (r) => {
      if (!r.url().startsWith(`${url}/`) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    await page.goto(url);
    await page.getByTestId('person-hung').waitFor({ timeout: WAIT });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from `npm start` without a token: one line with the address, and a page with the sample cell', async () => {
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BOT_TOKEN');
    expect(await page.title()).toBe('Sân thử Chi bộ 4 Tốt');
    const people = await page.getByTestId('people').innerText();
    for (const name of ['Nguyễn Văn Hùng', 'Trần Thị Mai', 'Lê Văn Nam', 'Phan Văn Long', 'Đặng Văn Tùng', 'Ngô Văn Bình', 'Đỗ Thị Hạnh']) expect(people).toContain(name);
    expect(people).toContain('Bí thư');
    expect(people).toContain('dự bị');
    expect(people).toContain('miễn sinh hoạt');
    expect(people).toContain('thu đảng phí');
    expect(people).toContain('Zalo');
    expect(await nowText()).toMatch(/^(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}$/);
    expect(await page.getByTestId('tour-tongket').innerText()).toMatch(/tongket/);
    await snap('start');
  });

  let meetingDate = '';

  it('1. the secretary creates a meeting by typing /taohop and pressing the buttons', async () => {
    await choose('hung');
    await say('/taohop');
    await press(await message('private', 'chọn loại'), 'Thường kỳ (hằng tháng)');
    // Tomorrow (the last date offered): a day of reminders to move through, not a month.
    const dates = await message('private', 'Ngày họp?');
    const tomorrow = dates.getByTestId('button').filter({ hasText: /^\d{2}\/\d{2}\/\d{4}$/ }).last();
    meetingDate = (await tomorrow.innerText()).trim();
    await tomorrow.click();
    await press(await message('private', 'Mấy giờ bắt đầu'), '14:00');
    await press(await message('private', 'họp bao lâu'), '90 phút');
    await message('private', 'Địa điểm họp?');
    await say('Hội trường khu phố 5');
    await press(await message('private', 'Nội dung chính'), 'Bỏ qua');
    await press(await message('private', 'Xin kiểm tra lại buổi họp'), 'Tạo và gửi giấy mời');
    const done = await message('private', 'Đã tạo buổi họp');
    // The confirmation card was edited in place into the result, as Telegram does.
    expect(await done.innerText()).toContain('đã sửa');
    await page.locator('[data-testid=tour-create].done').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('next-meeting').innerText()).toContain(`${meetingDate}, 14:00`);
    await snap('created');
  });

  it('2. everyone sees the invitation: buttons on Telegram, a numbered list on Zalo, one card in the group', async () => {
    await choose('lan');
    const inv = await message('private', 'trân trọng kính mời');
    expect(await inv.innerText()).toContain('Kính gửi đồng chí Phạm Thị Lan');
    expect(await inv.getByTestId('button').allInnerTexts()).toEqual(expect.arrayContaining(['Tham dự', 'Vắng (có lý do)', 'Chưa chắc']));
    await message('group', 'thông báo sinh hoạt chi bộ thường kỳ');
    await choose('long');
    const zalo = await message('private', 'trân trọng kính mời');
    expect(await zalo.innerText()).toMatch(/\n\d+\. Tham dự/);
    expect(await pane('private').getByTestId('button').count()).toBe(0);
    expect(await page.locator('[data-testid=private-pane].zalo').count()).toBe(1);
    await page.locator('[data-testid=tour-invitations].done').waitFor({ timeout: WAIT });
    await snap('invitations');
  });

  it('3. members answer: a Telegram button, a typed number on Zalo; the group card is edited in place', async () => {
    await choose('lan');
    await press(await message('private', 'trân trọng kính mời'), 'Tham dự');
    await message('private', 'Đã ghi nhận: đồng chí tham dự');
    await choose('long');
    const inv = await message('private', 'trân trọng kính mời');
    await say(await numberIn(inv, 'Chưa chắc'));
    await message('private', 'Đã ghi nhận: đồng chí chưa chắc');
    const card = await message('group', /Tham dự: 1 · Vắng: 0 · Chưa chắc: 1/);
    expect(await card.innerText()).toContain('đã sửa');
    expect(await pane('group').getByTestId('message').filter({ hasText: 'thông báo sinh hoạt' }).count()).toBe(1);
    await page.locator('[data-testid=tour-answer].done').waitFor({ timeout: WAIT });
    await snap('answered');
  });

  it('4. moving to the meeting sends the reminders on the way, each to whom it concerns', async () => {
    // To the moment its check-in opens: half an hour before the start, by the cell's settings.
    await moveClock('meeting', `${meetingDate}, 13:30`);
    await choose('long');
    await message('private', /Nhắc/);
    await choose('tung');
    await message('private', /Nhắc/);
    await choose('lan');
    await message('private', 'Nhắc lần cuối');
    await page.locator('[data-testid=tour-reminders].done').waitFor({ timeout: WAIT });
    await snap('reminders');
  }, 60_000);

  it('5. members check in: a button on Telegram, a number on Zalo', async () => {
    await press(await message('private', 'bấm "Điểm danh"'), 'Điểm danh');
    expect(await (await message('private', 'Đã điểm danh')).innerText()).toContain('có mặt');
    await choose('long');
    const prompt = await message('private', 'bấm "Điểm danh"');
    await say(await numberIn(prompt, 'Điểm danh'));
    await message('private', 'Đã điểm danh');
    await page.locator('[data-testid=tour-checkin].done').waitFor({ timeout: WAIT });
  });

  it('6. the secretary closes the meeting and gets the attendance report', async () => {
    await choose('hung');
    await press(await message('private', 'Đã mở điểm danh'), 'Kết thúc điểm danh');
    await press(await message('private', 'Ai chưa điểm danh sẽ được ghi vắng'), 'Kết thúc điểm danh');
    await message('private', 'Đã kết thúc điểm danh');
    const report = await message('private', 'Kết quả điểm danh');
    expect(await report.innerText()).toContain('Phạm Thị Lan');
    await page.locator('[data-testid=tour-close].done').waitFor({ timeout: WAIT });
    await snap('closed');
  });

  it('7. /tongket: the summary and its files when the command exists, else the tour says it is coming', async () => {
    const step = page.getByTestId('tour-tongket');
    if ((await step.getAttribute('class'))?.includes('coming')) {
      expect(await step.innerText()).toContain('đang được xây dựng');
      return;
    }
    await choose('hung');
    await say('/tongket');
    await press(await message('private', 'chọn khoảng thời gian'), /Cả năm/);
    await press(await message('private', 'TỔNG KẾT'), /Tệp Excel/);
    const files = pane('private').getByTestId('document');
    await files.filter({ hasText: '.docx' }).last().waitFor({ timeout: WAIT });
    const names = await files.allInnerTexts();
    expect(names.some((n) => n.includes('.xlsx'))).toBe(true);
    const href = await files.filter({ hasText: '.docx' }).last().getAttribute('href');
    const res = await page.request.get(new URL(href ?? '', url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-disposition']).toMatch(/^attachment;/);
    expect((await res.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    await page.locator('[data-testid=tour-tongket].done').waitFor({ timeout: WAIT });
    await snap('tongket');
  });

  it('shows photos and gives documents to download', async () => {
    await choose('hung');
    await say('/moi');
    await press(await message('private', 'Mời đảng viên'), 'dùng 1 lần');
    const img = pane('private').getByTestId('photo').last();
    await img.waitFor({ timeout: WAIT });
    // Loaded from the emulator's stored upload: a real PNG, not a broken image.
    await until('the QR image to load', () => img.evaluate((el: unknown) => (el as { complete: boolean; naturalWidth: number }).complete && (el as { naturalWidth: number }).naturalWidth > 0));
    const sheets = pane('private').getByTestId('document').filter({ hasText: '.xlsx' });
    const before = await sheets.count();
    await say('/dangphi');
    await press(await message('private', /Sổ thu|đảng phí/), 'Sổ thu đảng phí (Excel)');
    await until('the dues book', async () => (await sheets.count()) > before);
    const doc = sheets.last();
    const href = await doc.getAttribute('href');
    const res = await page.request.get(new URL(href ?? '', url).href);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    await snap('files');
  });

  it('moves a day ahead, switches to English, and starts over from a fresh sample cell', async () => {
    const before = await nowText();
    await page.getByTestId('move-day').click();
    await until('the clock to move a day', async () => (await nowText()) !== before && !(await page.getByTestId('moving').isVisible()));
    await page.getByTestId('lang').click();
    await page.getByText('People in the cell').waitFor({ timeout: WAIT });
    await page.getByTestId('lang').click();
    await page.getByTestId('reset').click();
    await until('the group to be empty again', async () => (await pane('group').getByTestId('message').count()) === 0, 30_000);
    await page.locator('[data-testid=tour-create]:not(.done)').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('next-meeting').innerText()).toContain('Chưa có cuộc họp');
    await snap('reset');
  });

  it('loaded nothing from anywhere but the playground itself', () => {
    expect(elsewhere).toEqual([]);
  });
});

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../../test/fakes/telegram.js';
import { startFakeZalo } from '../../test/fakes/zalo.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TOKEN = '123456:TESTTOKEN';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let tg: FakeTelegram;
let dir: string;

/** Runs the CLI as a child process; asynchronous, so the fake API in this process keeps answering. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        NODE_ENV: 'test',
        DATABASE_PATH: join(dir, 'chibo.db'),
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: tg.url,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'chibo-cli-'));
});

afterAll(async () => {
  await tg.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cli', () => {
  it('prints usage without a command', async () => {
    const run = await cli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cell:create');
  });

  it('doctor passes against the fake API and never prints the token', async () => {
    const run = await cli(['doctor']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.startsWith('✓')).toBe(true);
    expect(run.stdout).toMatch(/Telegram on \(polling\)/);
    expect(run.stdout).toMatch(/1\/1 migrations applied, journal_mode=wal/);
    expect(run.stdout).toMatch(/telegram getMe: @\w+/);
    expect(run.stdout).not.toContain('TESTTOKEN');
  });

  it('doctor checks Zalo too', async () => {
    const zalo = await startFakeZalo();
    try {
      const run = await cli(['doctor'], { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.url });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Zalo on \(polling\)/);
      expect(run.stdout).toMatch(/^✓ zalo getMe: /m);
      expect(run.stdout).not.toContain(zalo.token.split(':')[1] ?? zalo.token);
    } finally {
      await zalo.close();
    }
  });

  it('doctor fails with exit 1 when the API is unreachable', async () => {
    const run = await cli(['doctor'], { TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ telegram getMe: /m);
    expect(run.stdout).toMatch(/^✓ database /m);
    expect(run.stdout + run.stderr).not.toContain('TESTTOKEN');
  });

  it('a configuration error is one line on stderr, exit 78', async () => {
    const run = await cli(['cell:list'], { BOT_TOKEN: 'nope' });
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('BOT_TOKEN');
  });

  it('creates and lists a cell', async () => {
    const created = await cli(['cell:create', '--name', 'Chi bộ Thôn 3', '--superior', 'Đảng ủy xã Tân Lập', '--secretary', 'nguyễn văn an', '--telegram', '1001']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/#1 Chi bộ Thôn 3/);

    const listed = await cli(['cell:list']);
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout.trim().split('\n');
    expect(header).toBe('id\tname\tsuperior\tmembers\tgroup');
    expect(row).toBe('1\tChi bộ Thôn 3\tĐảng ủy xã Tân Lập\t1\tno');
  });

  it('refuses an ID number in the name with the Vietnamese message, exit 2', async () => {
    const run = await cli(['cell:create', '--name', 'Chi bộ 012345678901', '--superior', 'Đảng ủy xã', '--secretary', 'Lê Văn Bình', '--zalo', 'z-77']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('Xin đừng gửi số căn cước hay số giấy tờ: bot không lưu các số này.');
    expect(run.stdout).toBe('');
  });

  it('refuses incomplete input, exit 2', async () => {
    const run = await cli(['cell:create', '--name', 'Chi bộ B', '--superior', 'Đảng ủy xã', '--secretary', 'Lê Văn Bình']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--telegram/);
  });

  it('backs up to a readable SQLite file that holds the cell', async () => {
    const file = join(dir, 'out', 'backup.db');
    const run = await cli(['backup', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(file);
    expect(run.stdout).toMatch(/\d+ bytes/);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const names = db.prepare('SELECT name FROM cells').all() as { name: string }[];
      expect(names.map((r) => r.name)).toEqual(['Chi bộ Thôn 3']);
    } finally {
      db.close();
    }
  });

  it('jobs:run --dry-run prints a JSON line and writes nothing', async () => {
    const run = await cli(['jobs:run', '--at', '2026-03-10T04:00:00+07:00', '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
    expect(report).toEqual({ at: '2026-03-09T21:00:00.000Z', dryRun: true, sent: 0, backup: null });
    expect(existsSync(join(dir, 'backups', 'chibo-2026-03-10.db'))).toBe(false);
  });

  it('jobs:run writes the daily backup once', async () => {
    const first = await cli(['jobs:run', '--at', '2026-03-10T04:00:00+07:00']);
    expect(first.code).toBe(0);
    const file = join(dir, 'backups', 'chibo-2026-03-10.db');
    expect(JSON.parse(first.stdout.trim())).toMatchObject({ dryRun: false, sent: 0, backup: file });
    expect(existsSync(file)).toBe(true);
    const again = await cli(['jobs:run', '--at', '2026-03-10T05:00:00+07:00']);
    expect(JSON.parse(again.stdout.trim())).toMatchObject({ backup: null });
  });
});

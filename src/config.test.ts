import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const TG = '123456:ABC-def_ghi';
const ZALO = '1234567890:secretvalue';

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

function expectOneLineNaming(err: ConfigError, name: string): void {
  expect(err.message).not.toMatch(/[\r\n]/);
  expect(err.message.startsWith(`${name} `)).toBe(true);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({ BOT_TOKEN: TG });

  it('fills the documented defaults', () => {
    expect(config.DATABASE_PATH).toBe('./data/chibo.db');
    expect(config.DEFAULT_TIMEZONE).toBe('Asia/Ho_Chi_Minh');
    expect(config.DEFAULT_LOCALE).toBe('vi');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.NODE_ENV).toBe('development');
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.WEBHOOK_PORT).toBe(8080);
    expect(config.INVITE_TTL_DAYS).toBe(7);
    expect(config.BACKUP_KEEP).toBe(7);
    expect(config.ZALO_MONTHLY_QUOTA).toBe(3000);
    expect(config.BOT_ADMIN_IDS).toEqual([]);
    expect(config.ZALO_ADMIN_IDS).toEqual([]);
  });

  it('polls when WEBHOOK_URL is unset or blank', () => {
    expect(config.WEBHOOK_URL).toBeUndefined();
    expect(config.WEBHOOK_SECRET).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: TG, WEBHOOK_URL: '' }).WEBHOOK_URL).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: TG, WEBHOOK_URL: '   ' }).WEBHOOK_URL).toBeUndefined();
  });

  it('keeps the tokens, trimmed', () => {
    expect(config.BOT_TOKEN).toBe(TG);
    expect(config.ZALO_BOT_TOKEN).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: `  ${TG}  ` }).BOT_TOKEN).toBe(TG);
  });

  it('accepts Zalo alone', () => {
    const c = loadConfig({ ZALO_BOT_TOKEN: ZALO });
    expect(c.ZALO_BOT_TOKEN).toBe(ZALO);
    expect(c.BOT_TOKEN).toBeUndefined();
  });

  it('reads explicit values', () => {
    const c = loadConfig({
      BOT_TOKEN: TG,
      DATABASE_PATH: '/var/lib/chibo/db.sqlite',
      DEFAULT_TIMEZONE: 'Europe/Berlin',
      DEFAULT_LOCALE: 'en',
      LOG_LEVEL: 'debug',
      BOT_ADMIN_IDS: '111, 222,333  444',
      ZALO_ADMIN_IDS: 'abc,def',
      WEBHOOK_URL: 'https://bot.example.org/hook',
      WEBHOOK_SECRET: 'abcdefgh_12-XY',
      WEBHOOK_PORT: '3000',
      INVITE_TTL_DAYS: '14',
    });
    expect(c.DATABASE_PATH).toBe('/var/lib/chibo/db.sqlite');
    expect(c.DEFAULT_TIMEZONE).toBe('Europe/Berlin');
    expect(c.DEFAULT_LOCALE).toBe('en');
    expect(c.LOG_LEVEL).toBe('debug');
    expect(c.BOT_ADMIN_IDS).toEqual(['111', '222', '333', '444']);
    expect(c.ZALO_ADMIN_IDS).toEqual(['abc', 'def']);
    expect(c.WEBHOOK_URL).toBe('https://bot.example.org/hook');
    expect(c.WEBHOOK_SECRET).toBe('abcdefgh_12-XY');
    expect(c.WEBHOOK_PORT).toBe(3000);
    expect(c.INVITE_TTL_DAYS).toBe(14);
  });
});

describe('loadConfig errors', () => {
  it('requires a token, naming BOT_TOKEN', () => {
    for (const env of [{}, { BOT_TOKEN: '', ZALO_BOT_TOKEN: '' }, { BOT_TOKEN: '   ' }]) {
      const err = errorOf(env);
      expectOneLineNaming(err, 'BOT_TOKEN');
      expect(err.message).toContain('ZALO_BOT_TOKEN');
    }
  });

  it('rejects a malformed Telegram token', () => {
    const err = errorOf({ BOT_TOKEN: 'not-a-token' });
    expectOneLineNaming(err, 'BOT_TOKEN');
    expect(err.message).not.toContain('not-a-token');
  });

  it('rejects a malformed Zalo token', () => {
    expectOneLineNaming(errorOf({ ZALO_BOT_TOKEN: 'abc' }), 'ZALO_BOT_TOKEN');
  });

  it.each(['Mars/Olympus', 'Asia/Hanoi_City', 'GMT+25', 'not a zone'])('rejects the time zone %j, naming DEFAULT_TIMEZONE', (tz) => {
    const err = errorOf({ BOT_TOKEN: TG, DEFAULT_TIMEZONE: tz });
    expectOneLineNaming(err, 'DEFAULT_TIMEZONE');
    expect(err.message).toContain('Asia/Ho_Chi_Minh');
  });

  it.each(['12,abc', '@someone', '123;456', '-5'])('rejects BOT_ADMIN_IDS %j', (ids) => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, BOT_ADMIN_IDS: ids }), 'BOT_ADMIN_IDS');
  });

  it('requires WEBHOOK_SECRET with WEBHOOK_URL', () => {
    const err = errorOf({ BOT_TOKEN: TG, WEBHOOK_URL: 'https://bot.example.org/hook' });
    expectOneLineNaming(err, 'WEBHOOK_SECRET');
    expect(err.message).toContain('WEBHOOK_URL');
  });

  it('requires ZALO_WEBHOOK_SECRET with WEBHOOK_URL when Zalo is on', () => {
    expectOneLineNaming(errorOf({ ZALO_BOT_TOKEN: ZALO, WEBHOOK_URL: 'https://bot.example.org/hook' }), 'ZALO_WEBHOOK_SECRET');
    expect(loadConfig({ ZALO_BOT_TOKEN: ZALO, WEBHOOK_URL: 'https://bot.example.org/hook', ZALO_WEBHOOK_SECRET: 'zalosecret' }).WEBHOOK_URL).toBe(
      'https://bot.example.org/hook',
    );
  });

  it('rejects a weak WEBHOOK_SECRET', () => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, WEBHOOK_URL: 'https://bot.example.org/hook', WEBHOOK_SECRET: 'short' }), 'WEBHOOK_SECRET');
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, WEBHOOK_URL: 'https://bot.example.org/hook', WEBHOOK_SECRET: 'has spaces in it' }), 'WEBHOOK_SECRET');
  });

  it.each(['ftp://bot.example.org', 'not a url', 'bot.example.org'])('rejects WEBHOOK_URL %j', (url) => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, WEBHOOK_URL: url, WEBHOOK_SECRET: 'abcdefgh' }), 'WEBHOOK_URL');
  });

  it.each(['loud', 'INFO', 'verbose'])('rejects LOG_LEVEL %j', (level) => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, LOG_LEVEL: level }), 'LOG_LEVEL');
  });

  it('rejects an unknown locale', () => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, DEFAULT_LOCALE: 'fr' }), 'DEFAULT_LOCALE');
  });

  it.each([
    ['WEBHOOK_PORT', '0'],
    ['WEBHOOK_PORT', '70000'],
    ['WEBHOOK_PORT', 'eighty'],
    ['INVITE_TTL_DAYS', '0'],
    ['INVITE_TTL_DAYS', '91'],
    ['BACKUP_KEEP', '-1'],
    ['ZALO_MONTHLY_QUOTA', '1.5'],
  ])('rejects %s=%j', (name, value) => {
    expectOneLineNaming(errorOf({ BOT_TOKEN: TG, [name]: value }), name);
  });

  it('is an Error subclass', () => {
    const err = errorOf({});
    expect(err).toBeInstanceOf(Error);
    expect(err.message.length).toBeGreaterThan('BOT_TOKEN '.length);
  });
});

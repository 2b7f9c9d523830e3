import { describe, expect, it } from 'vitest';
import { startLine } from './index.js';
import { playgroundInstead } from './switch.js';

describe('npm start without a token', () => {
  it('opens the playground in development, which is what an unset NODE_ENV means', () => {
    expect(playgroundInstead({})).toBe(true);
    expect(playgroundInstead({ NODE_ENV: 'development' })).toBe(true);
    expect(playgroundInstead({ NODE_ENV: ' development ', BOT_TOKEN: '  ', ZALO_BOT_TOKEN: '' })).toBe(true);
  });

  it('keeps the one-line configuration error in production and in tests', () => {
    expect(playgroundInstead({ NODE_ENV: 'production' })).toBe(false);
    expect(playgroundInstead({ NODE_ENV: 'test' })).toBe(false);
  });

  it('runs the real bot whenever a channel token is set', () => {
    expect(playgroundInstead({ BOT_TOKEN: '123456:ABCdef' })).toBe(false);
    expect(playgroundInstead({ ZALO_BOT_TOKEN: '1234567890:secret-x' })).toBe(false);
  });

  it('says in one line, in Vietnamese and English, where the playground is and how to connect a real bot', () => {
    const line = startLine('http://127.0.0.1:3000', 'noToken');
    expect(line).not.toContain('\n');
    expect(line.match(/http:\/\/127\.0\.0\.1:3000/g)).toHaveLength(2);
    expect(line).toContain('Chưa có BOT_TOKEN hay ZALO_BOT_TOKEN');
    expect(line).toContain('To run the real bot: set BOT_TOKEN (Telegram) or ZALO_BOT_TOKEN (Zalo) in .env');
    expect(startLine('http://127.0.0.1:3001', 'asked')).toMatch(/^Sân thử Chi bộ 4 Tốt: http:\/\/127\.0\.0\.1:3001 .* \/ Chi bộ 4 Tốt playground: http:\/\/127\.0\.0\.1:3001 /);
  });
});

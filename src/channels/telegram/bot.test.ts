import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Translator } from '../../conversation/i18n.js';
import { MenuSync } from './bot.js';

type Call = { method: string; scope: string; lang: string | undefined; commands?: string[] };

function fakeApi(fail = false) {
  const calls: Call[] = [];
  const api = {
    setMyCommands: async (commands: readonly { command: string }[], extra?: { scope?: { type: string; chat_id?: number }; language_code?: string }) => {
      if (fail) throw new Error('network down');
      calls.push({ method: 'set', scope: extra?.scope?.type === 'chat' ? String(extra.scope.chat_id) : String(extra?.scope?.type), lang: extra?.language_code, commands: commands.map((c) => c.command) });
      return true as const;
    },
    deleteMyCommands: async (extra?: { scope?: { type: string; chat_id?: number }; language_code?: string }) => {
      calls.push({ method: 'delete', scope: String(extra?.scope?.chat_id), lang: extra?.language_code });
      return true as const;
    },
  };
  return { api, calls };
}

describe('MenuSync', () => {
  const translator = new Translator('vi');
  const log = pino({ level: 'silent' });

  it('sets member menus for all private chats in vi and en, and leader menus per leader chat', async () => {
    const { api, calls } = fakeApi();
    const sync = new MenuSync(api as never, translator, log);
    await sync.sync(['42']);
    expect(calls.filter((c) => c.scope === 'all_private_chats').map((c) => c.lang)).toEqual([undefined, 'en']);
    const leader = calls.filter((c) => c.scope === '42');
    expect(leader).toHaveLength(2);
    expect(leader[0]?.commands).toContain('moi');
    expect(calls.find((c) => c.scope === 'all_private_chats')?.commands).not.toContain('moi');
  });

  it('only touches chats whose role changed, and removes menus of former leaders', async () => {
    const { api, calls } = fakeApi();
    const sync = new MenuSync(api as never, translator, log);
    await sync.sync(['1', '2']);
    calls.length = 0;
    await sync.sync(['2', '3']);
    expect(calls.filter((c) => c.method === 'set').map((c) => c.scope)).toEqual(['3', '3']);
    expect(calls.filter((c) => c.method === 'delete').map((c) => c.scope)).toEqual(['1', '1']);
  });

  it('survives a failing API and tries again on the next sync', async () => {
    const failing = fakeApi(true);
    const sync = new MenuSync(failing.api as never, translator, log);
    await expect(sync.sync(['7'])).resolves.toBeUndefined();
  });

  it('has a description in both languages for every command', () => {
    for (const locale of ['vi', 'en'] as const) {
      const t = translator.for(locale);
      for (const c of ['start', 'trogiup', 'thanhvien', 'chibo', 'caidat', 'lienketkenh', 'kenh', 'ngonngu', 'huy', 'moi', 'lienket', 'nhatky', 'dangphi', 'tongket']) {
        expect(t(`commandMenu.${c}`)).not.toBe(`commandMenu.${c}`);
      }
    }
  });
});

import { fold } from '../domain/text.js';
import type { Clock } from '../clock.js';
import type { ConversationRepo } from '../store/repos/conversations.js';
import type { ChannelName } from '../store/repos/people.js';
import type { Choice, OutMessage } from './message.js';

export interface NumberedChoice extends Choice {
  n: number;
}

const KEEP = 40;
/** Numbers on a notice (an approval card, say) stay valid this long, whatever comes after. */
const NOTICE_TTL_MS = 24 * 3_600_000;

/**
 * Gives every choice of a message a number that is unique in its chat, and remembers it, so a
 * typed "2" (or the label) maps back to the action on channels without buttons, and on any
 * channel after a restart. A direct reply drops the previous reply's numbers; numbers shown on a
 * notice (sent unasked) are kept for a day and never reused meanwhile, so "1" typed under an old
 * card can never mean something else.
 */
export class ChoiceBook {
  constructor(
    private readonly conversations: ConversationRepo,
    private readonly clock: Clock,
  ) {}

  number(channel: ChannelName, chatId: string, message: OutMessage, mode: 'replace' | 'append' | 'notice'): NumberedChoice[][] {
    const rows = message.choices ?? [];
    if (rows.length === 0) return [];
    const now = this.clock.now();
    const previous = this.conversations.get(channel, chatId)?.choices ?? [];
    const kept = previous.filter((c) => (mode !== 'replace' ? true : c.notice === true && (c.at ?? 0) > now - NOTICE_TTL_MS));
    let next = kept.reduce((max, c) => Math.max(max, c.n), 0) + 1;
    const numbered = rows.map((row) => row.map((c) => ({ ...c, n: next++ })));
    const stored = numbered.flat().map((c) => ({ n: c.n, label: c.label, action: c.action, notice: mode === 'notice', at: now }));
    this.conversations.save(channel, chatId, { choices: [...kept, ...stored].slice(-KEEP) }, now);
    return numbered;
  }

  /** The action a typed answer stands for: its number, or its label without diacritics. */
  match(channel: ChannelName, chatId: string, typed: string, opts: { notices?: boolean } = {}): string | null {
    const all = this.conversations.get(channel, chatId)?.choices ?? [];
    const choices = opts.notices === false ? all.filter((c) => c.notice !== true) : all;
    if (choices.length === 0) return null;
    const answer = fold(typed).replace(/[.)]$/, '');
    const byNumber = /^\d{1,3}$/.test(answer) ? choices.find((c) => c.n === Number(answer)) : undefined;
    if (byNumber) return byNumber.action;
    const byLabel = choices.filter((c) => fold(c.label) === answer);
    return byLabel.length > 0 ? (byLabel[byLabel.length - 1] as NumberedChoice).action : null;
  }

  clear(channel: ChannelName, chatId: string): void {
    this.conversations.save(channel, chatId, { choices: [] }, this.clock.now());
  }
}

import type { Capabilities } from '../channels/types.js';

/**
 * The sending budget of one channel, shared by the outbox sender and the direct replies of
 * handlers: replies never wait (a person is waiting for them), but they are counted, so the
 * sender leaves room for them and the channel stays under its overall and per-chat limits.
 */
export class SendPacer {
  private readonly recent: number[] = [];
  private readonly lastToChat = new Map<string, number>();
  private readonly chatPausedUntil = new Map<string, number>();

  constructor(
    private readonly limits: Capabilities['limits'],
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Group chats have negative ids on Telegram; they get the per-minute group limit. */
  private interval(chatId: string): number {
    return chatId.startsWith('-') ? Math.ceil(60_000 / this.limits.groupPerMinute) : this.limits.perChatIntervalMs;
  }

  /** Milliseconds until a message to this chat may go, by its own spacing and any pause of it. */
  chatWait(chatId: string): number {
    const now = this.now();
    const spacing = (this.lastToChat.get(chatId) ?? -Infinity) + this.interval(chatId) - now;
    const paused = (this.chatPausedUntil.get(chatId) ?? 0) - now;
    return Math.max(0, spacing, paused);
  }

  /** Milliseconds until the channel's overall rate has room for one more message. */
  rateWait(): number {
    const now = this.now();
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
    return this.recent.length >= this.limits.perSecond ? (this.recent[0] as number) + 1000 - now : 0;
  }

  /** Chats that cannot take a message now (so the sender looks past them instead of waiting). */
  busyChats(): string[] {
    const now = this.now();
    const busy: string[] = [];
    for (const [chatId, at] of this.lastToChat) if (at + this.interval(chatId) > now) busy.push(chatId);
    for (const [chatId, until] of this.chatPausedUntil) if (until > now && !busy.includes(chatId)) busy.push(chatId);
    return busy;
  }

  /** Records `n` API calls to a chat made now. */
  note(chatId: string, n = 1): void {
    const now = this.now();
    for (let i = 0; i < n; i++) this.recent.push(now);
    this.lastToChat.set(chatId, now);
    if (this.lastToChat.size > 10_000) this.prune(now);
  }

  /** The platform asked this chat to wait (a group's per-minute limit). */
  pauseChat(chatId: string, ms: number): void {
    this.chatPausedUntil.set(chatId, this.now() + ms);
  }

  private prune(now: number): void {
    for (const [chatId, at] of this.lastToChat) if (at + this.interval(chatId) <= now) this.lastToChat.delete(chatId);
    for (const [chatId, until] of this.chatPausedUntil) if (until <= now) this.chatPausedUntil.delete(chatId);
  }
}

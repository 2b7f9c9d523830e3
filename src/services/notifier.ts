import type { Clock } from '../clock.js';
import type { Translate, Translator } from '../conversation/i18n.js';
import type { OutMessage } from '../conversation/message.js';
import type { AccountRow } from '../store/repos/people.js';
import type { Repos } from './context.js';

/** What each channel can do, as far as routing messages cares. */
export interface ChannelRouting {
  groups: boolean;
}

/**
 * Turns "tell this person" into outbox rows: picks the person's channel (preferred, else last
 * used and reachable), renders in their language, and keys each row so it is sent once.
 */
export class Notifier {
  constructor(
    private readonly repos: Repos,
    private readonly translator: Translator,
    private readonly clock: Clock,
    private readonly routing: Partial<Record<AccountRow['channel'], ChannelRouting>>,
  ) {}

  /** The account private messages go to, or null if the person has none we can use. */
  accountFor(personId: number, avoid?: AccountRow['channel']): AccountRow | null {
    const person = this.repos.people.person(personId);
    const usable = this.repos.people.accountsOf(personId).filter((a) => this.routing[a.channel] !== undefined);
    // Prefer any other channel over one that cannot send now (e.g. out of quota).
    const others = usable.filter((a) => a.channel !== avoid);
    const accounts = others.length > 0 ? others : usable;
    const preferred = accounts.find((a) => a.channel === person?.preferredChannel && a.reachable);
    return preferred ?? accounts.find((a) => a.reachable) ?? accounts[0] ?? null;
  }

  translateFor(personId: number): Translate {
    return this.translator.for(this.repos.people.person(personId)?.locale);
  }

  toPerson(personId: number, cellId: number | null, key: string, build: (t: Translate) => OutMessage, essential = true, avoid?: AccountRow['channel']): boolean {
    const account = this.accountFor(personId, avoid);
    if (!account) return false;
    const message = build(this.translateFor(personId));
    return this.repos.outbox.enqueue({
      cellId,
      personId,
      channel: account.channel,
      chatId: account.externalId,
      payload: serialise(message),
      idempotencyKey: key,
      essential,
      nextAttemptAt: this.clock.now(),
      createdAt: this.clock.now(),
    });
  }

  /**
   * A cell-wide announcement: one post in the linked group for members whose channel has groups,
   * and a private message to everyone else, so no one misses it for lack of a group.
   */
  toCell(cellId: number, key: string, build: (t: Translate) => OutMessage, opts: { privateToAll?: boolean } = {}): void {
    const cell = this.repos.cells.get(cellId);
    if (!cell) return;
    const groupLinked = cell.telegramGroupId !== null && this.routing.telegram?.groups === true;
    if (groupLinked && cell.telegramGroupId) {
      this.repos.outbox.enqueue({
        cellId,
        personId: null,
        channel: 'telegram',
        chatId: cell.telegramGroupId,
        payload: serialise(build(this.translator.for(cell.locale))),
        idempotencyKey: `${key}:group`,
        essential: true,
        nextAttemptAt: this.clock.now(),
        createdAt: this.clock.now(),
      });
    }
    for (const m of this.repos.members.list(cellId)) {
      const account = this.accountFor(m.personId);
      if (!account) continue;
      const coveredByGroup = groupLinked && this.routing[account.channel]?.groups === true;
      if (opts.privateToAll || !coveredByGroup) this.toPerson(m.personId, cellId, `${key}:p${m.personId}`, build);
    }
  }
}

/** Outbox payloads are JSON: attachments travel as base64. */
export function serialise(m: OutMessage): Record<string, unknown> {
  return {
    ...m,
    attachments: m.attachments?.map((a) => ({ ...a, data: a.data.toString('base64') })),
  };
}

export function deserialise(p: Record<string, unknown>): OutMessage {
  type Stored = Omit<NonNullable<OutMessage['attachments']>[number], 'data'> & { data: string };
  const raw = p as unknown as Omit<OutMessage, 'attachments'> & { attachments?: Stored[] };
  const message: OutMessage = { text: raw.text };
  if (raw.choices) message.choices = raw.choices;
  if (raw.replaceOrigin) message.replaceOrigin = raw.replaceOrigin;
  if (raw.attachments) message.attachments = raw.attachments.map((a) => ({ ...a, data: Buffer.from(a.data, 'base64') }));
  return message;
}

import { formatDateTime, isoDateIn } from '../conversation/format.js';
import type { Locale } from '../conversation/i18n.js';
import { exemptionOn } from '../domain/members.js';
import type { ZaloMessage } from '../emulators/zalo.js';
import { CAST, SAMPLE_GROUP, type CastMember } from './cast.js';
import type { Sandbox } from './sandbox.js';

/** A Telegram text entity (bold, italic, link…): offsets in UTF-16 code units, as in JavaScript. */
export interface ViewEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

export interface ViewButton {
  text: string;
  /** callback_data: pressing sends a callback query through the emulator. */
  data?: string;
  url?: string;
}

/** One message as the chat app shows it. */
export interface ViewMessage {
  id: string;
  /** 'bot', or the key of the person who wrote it. */
  from: string;
  /** The person's name as the chat app shows it ('' for the bot: the page names it in its language). */
  sender: string;
  at: number;
  text: string;
  entities: ViewEntity[];
  buttons: ViewButton[][];
  edited: boolean;
  photo?: string;
  document?: { name: string; url: string; size: number; mime: string };
  /** A line the app shows in the middle ("the bot joined the group"). */
  service?: 'botJoined';
}

export interface ViewPerson {
  key: string;
  fullName: string;
  channel: 'telegram' | 'zalo';
  role: string;
  membership: string;
  exemption: 'permanent' | 'temporary' | null;
  collectsDues: boolean;
  status: string;
}

export interface ViewChat {
  /** 'p:<person key>' for a private chat with the bot, 'group' for the cell's Telegram group. */
  id: string;
  kind: 'private' | 'group';
  channel: 'telegram' | 'zalo';
  title: string;
  messages: ViewMessage[];
}

export interface TourProgress {
  created: boolean;
  invited: boolean;
  answered: boolean;
  reminded: boolean;
  checkedIn: boolean;
  closed: boolean;
  /** Whether the bot knows /tongket yet (another issue builds it). */
  tongketAvailable: boolean;
  /** A leader asked for /tongket and got its files. */
  tongket: boolean;
}

export interface PageState {
  version: string;
  generation: number;
  now: number;
  nowText: string;
  timezone: string;
  moving: { from: number; to: number; at: number; atText: string; toText: string } | null;
  failed: boolean;
  /** Opened again on earlier data: empty chats say why. */
  restored: boolean;
  nextMeetingAt: number | null;
  nextMeetingText: string | null;
  cell: { name: string; groupTitle: string };
  people: ViewPerson[];
  chats: ViewChat[];
  tour: TourProgress;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A cheap fingerprint of everything the page shows: it changes when anything on the page would. */
export function versionOf(s: Sandbox, generation: number): string {
  return [generation, s.tg.revision, s.zalo.revision, Math.floor(s.clock.now() / 60_000), s.moving?.at ?? '-', s.failure ? 1 : 0].join('.');
}

function entitiesOf(v: unknown): ViewEntity[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((e) => ({ type: str(e.type), offset: Number(e.offset), length: Number(e.length), ...(typeof e.url === 'string' ? { url: e.url } : {}) }));
}

function buttonsOf(markup: unknown): ViewButton[][] {
  if (!isObj(markup) || !Array.isArray(markup.inline_keyboard)) return [];
  return markup.inline_keyboard.filter(Array.isArray).map((row: unknown[]) =>
    row.filter(isObj).map((b) => ({ text: str(b.text), ...(typeof b.callback_data === 'string' ? { data: b.callback_data } : {}), ...(typeof b.url === 'string' ? { url: b.url } : {}) })),
  );
}

const fileUrl = (fileId: string, download: boolean): string => `/api/telegram-file/${encodeURIComponent(fileId)}${download ? '?download=1' : ''}`;

function telegramMessage(m: Json, botId: number, keyOf: (id: number) => string, nameOf: (id: number) => string): ViewMessage {
  const from = isObj(m.from) ? Number(m.from.id) : 0;
  const fromBot = from === botId;
  const view: ViewMessage = {
    id: String(m.message_id),
    from: fromBot ? 'bot' : keyOf(from),
    sender: fromBot ? '' : nameOf(from),
    at: Number(m.date) * 1000,
    text: str(m.text) || str(m.caption),
    entities: entitiesOf(m.entities ?? m.caption_entities),
    buttons: buttonsOf(m.reply_markup),
    edited: m.edit_date !== undefined,
  };
  if (Array.isArray(m.photo) && m.photo.length > 0) {
    const largest = m.photo[m.photo.length - 1] as unknown;
    if (isObj(largest)) view.photo = fileUrl(str(largest.file_id), false);
  }
  if (isObj(m.document)) {
    view.document = { name: str(m.document.file_name) || 'file', url: fileUrl(str(m.document.file_id), true), size: Number(m.document.file_size ?? 0), mime: str(m.document.mime_type) };
  }
  if (Array.isArray(m.new_chat_members) && m.new_chat_members.some((u) => isObj(u) && Number(u.id) === botId)) view.service = 'botJoined';
  return view;
}

function zaloMessage(m: ZaloMessage, person: CastMember): ViewMessage {
  return {
    id: m.id,
    from: m.from === 'bot' ? 'bot' : person.key,
    sender: m.from === 'bot' ? '' : person.fullName,
    at: m.date,
    text: m.text ?? m.caption ?? (m.sticker ? '🙂' : ''),
    entities: [],
    buttons: [],
    edited: false,
    ...(m.photo ? { photo: m.photo } : {}),
  };
}

/** A chat where someone typed /tongket and the bot later sent a file. */
function gotSummaryFiles(messages: ViewMessage[]): boolean {
  const asked = messages.findIndex((m) => m.from !== 'bot' && /^\/?tong\s*ket\b/i.test(m.text.trim()));
  return asked !== -1 && messages.slice(asked).some((m) => m.from === 'bot' && m.document !== undefined);
}

function tourProgress(s: Sandbox, chats: ViewChat[]): TourProgress {
  const { meetings } = s;
  const list = [...meetings.scheduledInCell(s.cellId, 0), ...meetings.closedInCell(s.cellId, 0, 50)];
  const attendees = list.flatMap((m) => meetings.attendees(m.id));
  return {
    created: list.length > 0,
    invited: attendees.some((a) => a.invited),
    answered: attendees.some((a) => a.rsvp !== null),
    reminded: list.some((m) => meetings.outboxKeys(`mtg:${m.id}:rem:`).size > 0),
    checkedIn: attendees.some((a) => a.checkedInAt !== null),
    closed: list.some((m) => m.status === 'closed'),
    tongketAvailable: s.app.router.commandNames().includes('tongket'),
    tongket: chats.some((c) => c.kind === 'private' && gotSummaryFiles(c.messages)),
  };
}

/** Everything the page shows, read from the emulators (what each person sees) and the database (who is who). */
export function pageState(s: Sandbox, generation: number, locale: Locale): PageState {
  const { repos } = s.app;
  const tz = s.timezone;
  const cell = repos.cells.get(s.cellId);
  const rows = repos.members.list(s.cellId, ['active', 'pending', 'left']);
  const exemptions = repos.members.exemptionsInCell(s.cellId);
  const now = s.clock.now();
  const today = isoDateIn(now, tz);
  const byTelegram = new Map(CAST.filter((m) => m.channel === 'telegram').map((m) => [Number(m.externalId), m]));

  const people: ViewPerson[] = CAST.map((m) => {
    const account = repos.people.account(m.channel, m.externalId);
    const row = rows.find((r) => r.personId === account?.personId);
    const own = exemptions.filter((e) => e.memberId === row?.id).map((e) => ({ kind: e.kind, from: e.fromDate, to: e.toDate }));
    return {
      key: m.key,
      fullName: row?.fullName ?? m.fullName,
      channel: m.channel,
      role: row?.role ?? m.role,
      membership: row?.membership ?? m.membership,
      exemption: exemptionOn(own, today)?.kind ?? null,
      collectsDues: row?.collectsDues ?? false,
      status: row?.status ?? 'left',
    };
  });
  const keyOf = (id: number): string => byTelegram.get(id)?.key ?? `tg:${id}`;
  const nameOf = (id: number): string => people.find((p) => p.key === byTelegram.get(id)?.key)?.fullName ?? String(id);

  const chats: ViewChat[] = [
    {
      id: 'group',
      kind: 'group',
      channel: 'telegram',
      title: SAMPLE_GROUP.title,
      messages: s.tg.messages(SAMPLE_GROUP.id).map((m) => telegramMessage(m, s.tg.botId, keyOf, nameOf)),
    },
    ...CAST.map((m): ViewChat => ({
      id: `p:${m.key}`,
      kind: 'private',
      channel: m.channel,
      title: people.find((p) => p.key === m.key)?.fullName ?? m.fullName,
      messages: m.channel === 'telegram' ? s.tg.messages(Number(m.externalId)).map((x) => telegramMessage(x, s.tg.botId, keyOf, nameOf)) : s.zalo.messages(m.externalId).map((x) => zaloMessage(x, m)),
    })),
  ];

  const nextMeetingAt = s.nextMeetingAt();
  const moving = s.moving ? { ...s.moving, atText: formatDateTime(s.moving.at, tz, locale), toText: formatDateTime(s.moving.to, tz, locale) } : null;
  return {
    version: versionOf(s, generation),
    generation,
    now,
    nowText: formatDateTime(now, tz, locale),
    timezone: tz,
    moving,
    failed: s.failure !== null,
    restored: s.restored,
    nextMeetingAt,
    nextMeetingText: nextMeetingAt === null ? null : formatDateTime(nextMeetingAt, tz, locale),
    cell: { name: cell?.name ?? '', groupTitle: SAMPLE_GROUP.title },
    people,
    chats,
    tour: tourProgress(s, chats),
  };
}

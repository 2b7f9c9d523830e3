import type { Clock } from '../clock.js';
import type { Translator } from '../conversation/i18n.js';
import type { Store } from '../store/db.js';
import { AuditRepo } from '../store/repos/audit.js';
import { CellRepo } from '../store/repos/cells.js';
import { ConversationRepo } from '../store/repos/conversations.js';
import { InviteRepo } from '../store/repos/invites.js';
import { MemberRepo } from '../store/repos/members.js';
import { OutboxRepo } from '../store/repos/outbox.js';
import { PeopleRepo, type ChannelName } from '../store/repos/people.js';

/** Who is calling a service: a person, through one account, maybe a bot operator. */
export interface Caller {
  personId: number;
  channel: ChannelName;
  externalId: string;
  isAdmin: boolean;
}

export interface Repos {
  cells: CellRepo;
  people: PeopleRepo;
  members: MemberRepo;
  invites: InviteRepo;
  audit: AuditRepo;
  conversations: ConversationRepo;
  outbox: OutboxRepo;
}

export function createRepos(store: Store): Repos {
  const { db } = store;
  return {
    cells: new CellRepo(db),
    people: new PeopleRepo(db),
    members: new MemberRepo(db),
    invites: new InviteRepo(db),
    audit: new AuditRepo(db),
    conversations: new ConversationRepo(db),
    outbox: new OutboxRepo(db),
  };
}

export interface ServiceDeps {
  store: Store;
  repos: Repos;
  clock: Clock;
  translator: Translator;
  settings: { defaultTimezone: string; defaultLocale: 'vi' | 'en'; inviteTtlDays: number };
}

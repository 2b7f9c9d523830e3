/**
 * Test fixtures for the services: a real SQLite file in a temp directory with the real migrations,
 * the real service graph from `buildServices`, and a clock the test moves by hand.
 * Not imported by the bot; no test-runner imports here so it compiles like any other module.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices } from '../app.js';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config.js';
import { isDomainError, type ErrorCode } from '../domain/errors.js';
import { permissionTable, type Actor, type MemberStatus, type PrivilegedAction, type Role } from '../domain/roles.js';
import { openStore, type Store } from '../store/db.js';
import type { CellRow } from '../store/repos/cells.js';
import type { InviteRow } from '../store/repos/invites.js';
import type { MemberRow } from '../store/repos/members.js';
import type { AccountRow, ChannelName } from '../store/repos/people.js';
import type { Caller } from './context.js';

/** 2026-03-10 03:00 UTC (10:00 in Hà Nội): the fixtures' "now". */
export const T0 = Date.UTC(2026, 2, 10, 3, 0, 0);
export const TODAY = '2026-03-10';
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** The Telegram id the test config names as bot admin. */
export const ADMIN_TELEGRAM_ID = '9000';

export interface TestClock extends Clock {
  set(t: number): void;
  advance(ms: number): void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (v) => {
      t = v;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

type Built = ReturnType<typeof buildServices>;
export type Services = Built['services'];

export interface WorldOptions {
  env?: Record<string, string>;
  start?: number;
}

export interface TestWorld {
  options: WorldOptions;
  dir: string;
  dbPath: string;
  store: Store;
  clock: TestClock;
  repos: Built['repos'];
  translator: Built['translator'];
  services: Services;
  close(): void;
}

/** A fresh database file with migrations applied, and the services over it (Telegram with groups, Zalo without). */
export function openWorld(opts: WorldOptions = {}): TestWorld {
  return open(opts, null);
}

/**
 * A copy of another world's database in a new file (same config, clock at the source's time): seed
 * once, then give each test its own copy, which is much faster than seeding row by row every time.
 */
export function cloneWorld(source: TestWorld): TestWorld {
  return open({ ...source.options, start: source.clock.now() }, source.store);
}

function open(opts: WorldOptions, copyOf: Store | null): TestWorld {
  const dir = mkdtempSync(join(tmpdir(), 'chibo-services-'));
  const dbPath = join(dir, 'test.db');
  if (copyOf) copyOf.sqlite.prepare('VACUUM INTO ?').run(dbPath);
  const store = openStore(dbPath);
  const config = loadConfig({
    NODE_ENV: 'test',
    BOT_TOKEN: '123456:TEST-token',
    BOT_ADMIN_IDS: ADMIN_TELEGRAM_ID,
    DATABASE_PATH: dbPath,
    INVITE_TTL_DAYS: '7',
    ...opts.env,
  });
  const clock = testClock(opts.start);
  const { repos, translator, services } = buildServices(store, config, clock, { telegram: { groups: true }, zalo: { groups: false } });
  return {
    options: opts,
    dir,
    dbPath,
    store,
    clock,
    repos,
    translator,
    services,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestPerson {
  personId: number;
  account: AccountRow;
  caller: Caller;
}

export function callerOf(w: TestWorld, account: AccountRow): Caller {
  return {
    personId: account.personId,
    channel: account.channel,
    externalId: account.externalId,
    isAdmin: w.services.identity.isAdminPerson(account.personId),
  };
}

/** First contact of a channel account: creates the person (or refreshes the account). */
export function addPerson(w: TestWorld, channel: ChannelName, externalId: string, displayName = 'Người Dùng'): TestPerson {
  const account = w.repos.people.touchAccount(channel, externalId, displayName, w.clock.now());
  return { personId: account.personId, account, caller: callerOf(w, account) };
}

/** Re-reads a person's account and standing (after a link moved it, or admin ids changed). */
export function refresh(w: TestWorld, p: TestPerson): TestPerson {
  const account = w.repos.people.account(p.account.channel, p.account.externalId);
  if (!account) throw new Error(`account ${p.account.channel}:${p.account.externalId} is gone`);
  return { personId: account.personId, account, caller: callerOf(w, account) };
}

/** Inserts a membership row directly (no audit), for states the services reach by several steps. */
export function addMember(w: TestWorld, cellId: number, person: TestPerson, fullName: string, role: Role = 'member', status: MemberStatus = 'active'): MemberRow {
  const now = w.clock.now();
  const today = new Date(now).toISOString().slice(0, 10);
  return w.repos.members.insert({
    cellId,
    personId: person.personId,
    fullName,
    role,
    status,
    joinedOn: status === 'active' || status === 'left' ? today : null,
    leftOn: status === 'left' ? today : null,
    createdAt: now,
    updatedAt: now,
  });
}

/** A cell created the CLI way, its secretary named by a channel account. */
export function addCell(w: TestWorld, name: string, secretary: { channel: ChannelName; externalId: string; fullName: string }): { cell: CellRow; secretary: TestPerson; secretaryMember: MemberRow } {
  const cell = w.services.cells.createFromCli({ name, superiorName: 'Đảng bộ Phường Bến Nghé', secretaryName: secretary.fullName, channel: secretary.channel, externalId: secretary.externalId });
  const account = w.repos.people.account(secretary.channel, secretary.externalId);
  if (!account) throw new Error('secretary account missing');
  const secretaryMember = w.repos.members.inCell(cell.id, account.personId);
  if (!secretaryMember) throw new Error('secretary membership missing');
  return { cell, secretary: { personId: account.personId, account, caller: callerOf(w, account) }, secretaryMember };
}

/** Gives `person` a second account on another channel the way the bot does: a link code, redeemed there. */
export function linkAccount(w: TestWorld, person: TestPerson, channel: ChannelName, externalId: string, displayName = 'Người Dùng'): TestPerson {
  const other = addPerson(w, channel, externalId, displayName);
  const { code } = w.services.identity.createLinkCode(person.personId, person.account.channel);
  w.services.identity.redeemLinkCode(other.account, code);
  return refresh(w, other);
}

export const actorKinds = ['outsider', 'pending', 'member', 'committee', 'deputy', 'secretary', 'otherSecretary', 'admin', 'left'] as const;
export type ActorKind = (typeof actorKinds)[number];

/** What each kind of actor is in the fixture's main cell, as the permission table sees it. */
export const standingInCell: Record<ActorKind, Actor> = {
  outsider: { isAdmin: false, role: null, status: null },
  pending: { isAdmin: false, role: 'member', status: 'pending' },
  member: { isAdmin: false, role: 'member', status: 'active' },
  committee: { isAdmin: false, role: 'committee', status: 'active' },
  deputy: { isAdmin: false, role: 'deputy', status: 'active' },
  secretary: { isAdmin: false, role: 'secretary', status: 'active' },
  otherSecretary: { isAdmin: false, role: null, status: null },
  admin: { isAdmin: true, role: null, status: null },
  left: { isAdmin: false, role: 'member', status: 'left' },
};

export interface CellFixture {
  /** The cell every actor is measured against. */
  cell: CellRow;
  /** Another cell, whose secretary is `actors.otherSecretary`. */
  otherCell: CellRow;
  actors: Record<ActorKind, TestPerson>;
  members: Partial<Record<ActorKind, MemberRow>>;
  /** An active plain member, with an open exemption, that edits are aimed at. */
  target: TestPerson;
  targetMember: MemberRow;
  /** A second person waiting for approval, for decisions. */
  pendingTarget: TestPerson;
  pendingTargetMember: MemberRow;
  /** An open invite of `cell` (unlimited uses) and its plain code. */
  invite: InviteRow;
  inviteCode: string;
}

/**
 * One cell with a member in every role and status, built through the services where they can
 * (cell creation, invites, join requests, removal), plus a second cell, an outsider and a bot admin.
 */
export function seedCell(w: TestWorld): CellFixture {
  const a = addCell(w, 'Chi bộ Khu phố 3', { channel: 'telegram', externalId: '101', fullName: 'Nguyễn Văn An' });
  const b = addCell(w, 'Chi bộ Khu phố 7', { channel: 'zalo', externalId: 'z-201', fullName: 'Đỗ Thị Bảy' });
  const cellId = a.cell.id;
  const sec = a.secretary.caller;

  const deputy = addPerson(w, 'telegram', '102', 'Bình');
  const committee = addPerson(w, 'zalo', 'z-103', 'Cường');
  const member = addPerson(w, 'telegram', '104', 'Dung');
  const target = addPerson(w, 'telegram', '105', 'Mục');
  const pending = addPerson(w, 'telegram', '106', 'Giang');
  const pendingTarget = addPerson(w, 'zalo', 'z-107', 'Hà');
  const left = addPerson(w, 'telegram', '108', 'Khánh');
  const outsider = addPerson(w, 'telegram', '109', 'Lan');
  const admin = addPerson(w, 'telegram', ADMIN_TELEGRAM_ID, 'Quản trị');

  const deputyMember = addMember(w, cellId, deputy, 'Trần Thị Bình', 'deputy');
  const committeeMember = addMember(w, cellId, committee, 'Lê Văn Cường', 'committee');
  const memberMember = addMember(w, cellId, member, 'Phạm Thị Dung');
  const targetMember = addMember(w, cellId, target, 'Hoàng Văn Mục');
  w.services.members.addExemption(sec, targetMember.id, 'temporary', '2026-03-01', null);

  const { invite, code } = w.services.invites.create(sec, cellId, { maxUses: null });
  const pendingMember = w.services.invites.requestJoin(pending.personId, invite.id, 'Vũ Văn Giang');
  const pendingTargetMember = w.services.invites.requestJoin(pendingTarget.personId, invite.id, 'Ngô Thị Hà');

  const leftRow = addMember(w, cellId, left, 'Đinh Văn Khánh');
  const leftMember = w.services.members.remove(sec, leftRow.id);

  return {
    cell: a.cell,
    otherCell: b.cell,
    actors: { outsider, pending, member, committee, deputy, secretary: a.secretary, otherSecretary: b.secretary, admin, left },
    members: { pending: pendingMember, member: memberMember, committee: committeeMember, deputy: deputyMember, secretary: a.secretaryMember, left: leftMember },
    target,
    targetMember: w.repos.members.get(targetMember.id) ?? targetMember,
    pendingTarget,
    pendingTargetMember,
    invite: w.repos.invites.get(invite.id) ?? invite,
    inviteCode: code,
  };
}

export type Row = Record<string, unknown>;

/** Every row of a table, in a stable order. */
export function rows(store: Store, table: 'cells' | 'members' | 'invites' | 'exemptions' | 'audit_log' | 'outbox' | 'accounts' | 'persons' | 'link_codes'): Row[] {
  return store.sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[];
}

export interface DbSnapshot {
  cells: Row[];
  members: Row[];
  invites: Row[];
  exemptions: Row[];
  auditCount: number;
}

/** What a refused action must leave untouched. */
export function snapshot(store: Store): DbSnapshot {
  return {
    cells: rows(store, 'cells'),
    members: rows(store, 'members'),
    invites: rows(store, 'invites'),
    exemptions: rows(store, 'exemptions'),
    auditCount: Number(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()),
  };
}

/** The DomainError code `fn` throws, 'none' if it returns, or 'not a DomainError: …' for anything else. */
export function errorCode(fn: () => unknown): ErrorCode | 'none' | `not a DomainError: ${string}` {
  try {
    fn();
    return 'none';
  } catch (err) {
    if (isDomainError(err)) return err.code;
    return `not a DomainError: ${String(err)}`;
  }
}

/** The fixture membership of an actor kind that has one (throws for outsiders, admins and the other cell's secretary). */
export function memberOf(f: CellFixture, kind: ActorKind): MemberRow {
  const m = f.members[kind];
  if (!m) throw new Error(`${kind} has no membership in the fixture cell`);
  return m;
}

export type Expectation = { allowed: true } | { allowed: false; code: ErrorCode };

/** What the permission table gives an actor for an action: allowed, or the code of the refusal they hear. */
export function expectedOutcome(action: PrivilegedAction, actor: Actor): Expectation {
  const allowed = permissionTable[action];
  if (allowed === 'admin') return actor.isAdmin ? { allowed: true } : { allowed: false, code: 'AUTH.NOT_ADMIN' };
  if (actor.status === 'active' && actor.role !== null && allowed.includes(actor.role)) return { allowed: true };
  if (actor.status === 'pending') return { allowed: false, code: 'AUTH.PENDING' };
  if (actor.status !== 'active') return { allowed: false, code: 'AUTH.NOT_MEMBER' };
  return { allowed: false, code: 'AUTH.FORBIDDEN' };
}

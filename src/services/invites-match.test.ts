/**
 * A request made with the cell's general invite under the name of someone imported from the roll
 * (a member with no chat account yet): leaders may say "Là đồng chí X" (`decideAs`) instead of adding
 * a second member. Also: a personal invite is answered only with its code (or the code's hash), and a
 * request it replaces is set aside by nobody in particular.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../domain/errors.js';
import { permissionTable } from '../domain/roles.js';
import { INVITE_CODE_LENGTH } from '../domain/invites.js';
import type { InviteRow } from '../store/repos/invites.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Caller } from './context.js';
import { hashCode, newCode } from './invites.js';
import { actorKinds, addPerson, cloneWorld, DAY, errorCode, memberOf, MINUTE, openWorld, seedCell, standingInCell, type ActorKind, type CellFixture, type TestPerson, type TestWorld } from './testing.js';

let template: TestWorld;
let f: CellFixture;
let w: TestWorld;

beforeAll(() => {
  template = openWorld();
  f = seedCell(template);
});
afterAll(() => template.close());
beforeEach(() => {
  w = cloneWorld(template);
});
afterEach(() => w.close());

const cellId = (): number => f.cell.id;
const sec = (): Caller => f.actors.secretary.caller;

/** Every table a merge touches. */
function dbState(): Record<string, unknown[]> {
  const tables = ['members', 'persons', 'accounts', 'invites', 'exemptions', 'audit_log', 'outbox'];
  return Object.fromEntries(tables.map((t) => [t, w.store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
}

const member = (id: number): MemberRow => {
  const m = w.repos.members.get(id);
  if (!m) throw new Error(`member ${id} is gone`);
  return m;
};

interface AuditLine {
  actor: number | null;
  action: string;
  target: number | null;
  details: Record<string, unknown> | null;
}
const audit = (action: string): AuditLine[] =>
  (w.store.sqlite.prepare('SELECT actor_person_id, action, target_member_id, details FROM audit_log WHERE action = ? ORDER BY id').all(action) as { actor_person_id: number | null; action: string; target_member_id: number | null; details: string | null }[]).map((r) => ({
    actor: r.actor_person_id,
    action: r.action,
    target: r.target_member_id,
    details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
  }));

/** A member as a roll import leaves them: active, every field set, on a person with no account. */
function imported(fullName: string, cell = cellId()): MemberRow {
  const now = w.clock.now();
  const row = w.repos.members.insert({
    cellId: cell,
    personId: w.repos.people.createPerson(now),
    fullName,
    role: 'committee',
    status: 'active',
    membership: 'probationary',
    membershipSince: '2025-08-15',
    attachment: 'temporary',
    collectsDues: true,
    reviewForm: '2B',
    duesCategory: 'pensioner',
    partyGroup: 'Tổ 2',
    joinedOn: '2026-03-01',
    createdAt: now,
    updatedAt: now,
  });
  w.repos.members.addExemption({ cellId: cell, memberId: row.id, kind: 'temporary', fromDate: '2026-02-01', toDate: '2026-12-31', createdAt: now });
  return row;
}

/** A personal invite for an imported member, as printing the sheet makes one. */
function personalInvite(target: MemberRow): { invite: InviteRow; code: string } {
  const code = newCode(INVITE_CODE_LENGTH);
  const now = w.clock.now();
  const invite = w.repos.invites.insert({ cellId: target.cellId, codeHash: hashCode(code), hint: code.slice(0, 4), createdBy: memberOf(f, 'secretary').id, maxUses: 1, memberId: target.id, expiresAt: now + 30 * DAY, createdAt: now });
  return { invite, code };
}

/** Someone opens the general invite and types a name: a request waiting for a decision. */
function request(name: string, externalId = '700'): { person: TestPerson; row: MemberRow } {
  const person = addPerson(w, 'telegram', externalId, 'Khách');
  return { person, row: w.services.invites.requestJoin(person.personId, f.invite.id, name) };
}

// ---------------------------------------------------------------------------------------------

describe('namesakes', () => {
  it('finds the imported member of the same name, however the name is spaced or capitalised', () => {
    const a = imported('Nguyễn Văn Ánh');
    const { row } = request('  nguyễn   VĂN ánh ');
    expect(w.services.invites.namesakes(row).map((m) => m.id)).toEqual([a.id]);
  });

  it('leaves out members who already use the bot, members of other cells and other names', () => {
    imported('Nguyễn Văn Ánh', f.otherCell.id);
    imported('Nguyễn Văn Anh');
    const { row } = request('Phạm Thị Dung'); // an active member with an account
    expect(w.services.invites.namesakes(row)).toEqual([]);
    expect(w.services.invites.namesakes(request('Nguyễn Văn Ánh', '701').row)).toEqual([]);
  });

  it('only a request still waiting has namesakes', () => {
    imported('Nguyễn Văn Ánh');
    const { row } = request('Nguyễn Văn Ánh');
    w.services.invites.decide(sec(), row.id, false);
    expect(w.services.invites.namesakes(member(row.id))).toEqual([]);
  });

  it('finds each of two imported namesakes', () => {
    const a = imported('Nguyễn Văn Ánh');
    const b = imported('Nguyễn Văn Ánh');
    expect(w.services.invites.namesakes(request('Nguyễn Văn Ánh').row).map((m) => m.id)).toEqual([a.id, b.id]);
  });
});

describe('decideAs', () => {
  it('the request becomes the imported member: every imported field kept, the request set aside, unused codes revoked', () => {
    const target = imported('Nguyễn Văn Ánh');
    const exemptions = w.repos.members.exemptionsOf(target.id);
    const placeholder = target.personId;
    const spare = personalInvite(target);
    const { person, row } = request('Nguyễn Văn Ánh');
    w.clock.advance(MINUTE);
    const joined = w.services.invites.decideAs(f.actors.deputy.caller, row.id, target.id);

    expect(joined).toEqual({ ...target, personId: person.personId, inviteId: f.invite.id, updatedAt: w.clock.now() });
    expect(member(target.id)).toEqual(joined);
    expect(w.repos.members.exemptionsOf(target.id)).toEqual(exemptions);
    expect(w.repos.people.person(placeholder)).toBeUndefined();
    expect(w.repos.members.inCell(cellId(), person.personId)?.id).toBe(target.id);
    expect(w.services.access.actor(person.caller, cellId()).actor).toEqual({ isAdmin: false, role: 'committee', status: 'active' });

    const aside = member(row.id);
    expect(aside).toMatchObject({ status: 'rejected', fullName: 'Nguyễn Văn Ánh', updatedAt: w.clock.now() });
    expect(aside.personId).not.toBe(person.personId);
    expect(w.repos.people.accountsOf(aside.personId)).toEqual([]);
    expect(w.store.sqlite.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM members GROUP BY cell_id, person_id HAVING count(*) > 1)').get()).toEqual({ n: 0 });
    expect(w.store.sqlite.prepare("SELECT count(*) AS n FROM members WHERE cell_id = ? AND status = 'active' AND full_name = 'Nguyễn Văn Ánh'").get(cellId())).toEqual({ n: 1 });

    expect(w.repos.invites.get(spare.invite.id)?.revokedAt).toBe(w.clock.now());
    expect(errorCode(() => w.services.invites.check(addPerson(w, 'zalo', 'z-9').personId, spare.code))).toBe('INVITE.REVOKED');

    const deputy = f.actors.deputy.personId;
    expect(audit('join.superseded')).toEqual([{ actor: deputy, action: 'join.superseded', target: row.id, details: { matchedTo: target.id } }]);
    expect(audit('join.matched')).toEqual([{ actor: deputy, action: 'join.matched', target: target.id, details: { requestId: row.id } }]);
  });

  it('only the first decision counts', () => {
    const target = imported('Nguyễn Văn Ánh');
    const { row } = request('Nguyễn Văn Ánh');
    w.services.invites.decideAs(sec(), row.id, target.id);
    const before = dbState();
    expect(errorCode(() => w.services.invites.decideAs(f.actors.deputy.caller, row.id, target.id))).toBe('JOIN.NOT_PENDING');
    expect(errorCode(() => w.services.invites.decide(f.actors.deputy.caller, row.id, true))).toBe('JOIN.NOT_PENDING');
    expect(errorCode(() => w.services.invites.decide(f.actors.deputy.caller, row.id, false))).toBe('JOIN.NOT_PENDING');
    expect(dbState()).toEqual(before);
  });

  it('a request already approved or refused cannot be matched any more', () => {
    const target = imported('Nguyễn Văn Ánh');
    const approved = request('Nguyễn Văn Ánh').row;
    w.services.invites.decide(sec(), approved.id, true);
    const refused = request('Nguyễn Văn Ánh', '701').row;
    w.services.invites.decide(sec(), refused.id, false);
    const before = dbState();
    expect(errorCode(() => w.services.invites.decideAs(sec(), approved.id, target.id))).toBe('JOIN.NOT_PENDING');
    expect(errorCode(() => w.services.invites.decideAs(sec(), refused.id, target.id))).toBe('JOIN.NOT_PENDING');
    expect(dbState()).toEqual(before);
  });

  it('refuses a member who is not a namesake waiting for their account, and changes nothing', () => {
    const target = imported('Nguyễn Văn Ánh');
    const other = imported('Lý Thị Ánh');
    const elsewhere = imported('Nguyễn Văn Ánh', f.otherCell.id);
    const { row } = request('Nguyễn Văn Ánh');
    const before = dbState();
    // another name, a member who uses the bot, another cell's member, a removed member, nobody
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, other.id))).toBe('MEMBER.NOT_FOUND');
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, memberOf(f, 'member').id))).toBe('MEMBER.NOT_FOUND');
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, elsewhere.id))).toBe('MEMBER.NOT_FOUND');
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, row.id))).toBe('MEMBER.NOT_FOUND');
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, 99_999))).toBe('MEMBER.NOT_FOUND');
    expect(errorCode(() => w.services.invites.decideAs(sec(), 99_999, target.id))).toBe('MEMBER.NOT_FOUND');
    expect(dbState()).toEqual(before);
    w.services.members.remove(sec(), target.id);
    const afterRemoval = dbState();
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, target.id))).toBe('MEMBER.NOT_FOUND');
    expect(dbState()).toEqual(afterRemoval);
  });

  it('refuses once the namesake has joined with their personal invite; the request can still be decided', () => {
    const target = imported('Nguyễn Văn Ánh');
    const { invite, code } = personalInvite(target);
    const { row } = request('Nguyễn Văn Ánh');
    w.services.invites.joinPersonal(addPerson(w, 'zalo', 'z-8').personId, invite.id, { code });
    const before = dbState();
    expect(errorCode(() => w.services.invites.decideAs(sec(), row.id, target.id))).toBe('MEMBER.NOT_FOUND');
    expect(dbState()).toEqual(before);
    expect(w.services.invites.decide(sec(), row.id, false).status).toBe('rejected');
  });

  const expected = (kind: ActorKind): ErrorCode | 'none' => {
    const actor = standingInCell[kind];
    const allowed = permissionTable['join.decide'];
    if (allowed !== 'admin' && actor.status === 'active' && actor.role !== null && allowed.includes(actor.role)) return 'none';
    if (actor.status === 'pending') return 'AUTH.PENDING';
    if (actor.status !== 'active') return 'AUTH.NOT_MEMBER';
    return 'AUTH.FORBIDDEN';
  };

  for (const kind of actorKinds) {
    it(`${kind}: ${expected(kind) === 'none' ? 'may match a request' : `is refused (${expected(kind)}) and nothing changes`}`, () => {
      const target = imported('Nguyễn Văn Ánh');
      const { row } = request('Nguyễn Văn Ánh');
      const before = dbState();
      const outcome = errorCode(() => w.services.invites.decideAs(f.actors[kind].caller, row.id, target.id));
      expect(outcome).toBe(expected(kind));
      if (outcome === 'none') expect(audit('join.matched')).toHaveLength(1);
      else expect(dbState()).toEqual(before);
    });
  }
});

describe('personal invites need their code', () => {
  it('the id without the code, or with another invite’s code, is refused and nothing changes', () => {
    const a = imported('Nguyễn Văn Ánh');
    const b = imported('Lý Thị Ánh');
    const ia = personalInvite(a);
    const ib = personalInvite(b);
    const holder = addPerson(w, 'telegram', '710', 'Ánh');
    const before = dbState();
    for (const proof of [{ code: ia.code }, { codeHash: ia.invite.codeHash }, { code: '' }, { codeHash: '' }, { codeHash: 'x'.repeat(64) }]) {
      expect(errorCode(() => w.services.invites.joinPersonal(holder.personId, ib.invite.id, proof))).toBe('INVITE.NOT_FOUND');
      expect(errorCode(() => w.services.invites.declinePersonal(holder.personId, ib.invite.id, proof))).toBe('INVITE.NOT_FOUND');
    }
    expect(dbState()).toEqual(before);
    // The code, typed with dashes and in lower case, or its hash, opens it.
    const typed = `${ib.code.slice(0, 4)}-${ib.code.slice(4, 8)}-${ib.code.slice(8)}`.toLowerCase();
    expect(w.services.invites.declinePersonal(holder.personId, ib.invite.id, { code: typed }).id).toBe(b.id);
    expect(w.services.invites.joinPersonal(holder.personId, ib.invite.id, { codeHash: ib.invite.codeHash }).id).toBe(b.id);
  });

  it('a request the personal invite replaces is set aside by nobody, not refused by the joiner', () => {
    const target = imported('Nguyễn Văn Ánh');
    const { invite, code } = personalInvite(target);
    const { person, row } = request('Nguyễn Văn Ánh');
    w.services.invites.joinPersonal(person.personId, invite.id, { code });
    expect(audit('join.reject')).toEqual([]);
    expect(audit('join.superseded')).toEqual([{ actor: null, action: 'join.superseded', target: row.id, details: { supersededBy: 'personalInvite', inviteId: invite.id, memberId: target.id } }]);
    expect(member(row.id).status).toBe('rejected');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCode } from '../domain/invites.js';
import { hashCode } from './invites.js';
import {
  addCell,
  addPerson,
  DAY,
  errorCode,
  linkAccount,
  memberOf,
  MINUTE,
  openWorld,
  refresh,
  rows,
  seedCell,
  snapshot,
  TODAY,
  type CellFixture,
  type TestWorld,
} from './testing.js';

let w: TestWorld;

afterEach(() => {
  w.close();
});

const auditAfter = (id: number) => rows(w.store, 'audit_log').filter((r) => Number(r.id) > id);
const lastAuditId = () => Number(w.store.sqlite.prepare('SELECT coalesce(max(id), 0) FROM audit_log').pluck().get());

describe('cells', () => {
  beforeEach(() => {
    w = openWorld();
  });

  it('create makes the creating admin the active secretary, and is audited', () => {
    const admin = addPerson(w, 'telegram', '9000', 'Quản trị');
    expect(admin.caller.isAdmin).toBe(true);
    const cell = w.services.cells.create(admin.caller, { name: '  Chi bộ  Khu phố 1 ', superiorName: 'Đảng bộ Phường 1', secretaryName: 'trần thị bình' });
    expect(cell).toMatchObject({ name: 'Chi bộ Khu phố 1', superiorName: 'Đảng bộ Phường 1', timezone: 'Asia/Ho_Chi_Minh', locale: 'vi', telegramGroupId: null });
    const me = w.repos.members.inCell(cell.id, admin.personId);
    expect(me).toMatchObject({ role: 'secretary', status: 'active', fullName: 'Trần Thị Bình', joinedOn: TODAY });
    expect(w.repos.audit.byAction(cell.id, 'cell.create')).toMatchObject([{ actorPersonId: admin.personId, targetMemberId: me?.id }]);
    expect(w.services.cells.cellsOf(admin.personId)).toMatchObject([{ cell: { id: cell.id }, role: 'secretary', status: 'active' }]);
  });

  it('create refuses a cell name that carries an ID number, writing nothing', () => {
    const admin = addPerson(w, 'telegram', '9000', 'Quản trị');
    const before = snapshot(w.store);
    expect(errorCode(() => w.services.cells.create(admin.caller, { name: 'Chi bộ 079123456789', superiorName: 'Đảng bộ', secretaryName: 'Trần Thị Bình' }))).toBe('MEMBER.ID_NUMBER');
    expect(snapshot(w.store)).toEqual(before);
  });

  it('linkGroup: one group per cell, a group belongs to one cell, relinking the same group is a no-op', () => {
    const a = addCell(w, 'Chi bộ A', { channel: 'telegram', externalId: '1', fullName: 'Nguyễn Văn An' });
    const b = addCell(w, 'Chi bộ B', { channel: 'telegram', externalId: '2', fullName: 'Lê Văn Bảo' });
    const linked = w.services.cells.linkGroup(a.secretary.caller, a.cell.id, '-100111');
    expect(linked.telegramGroupId).toBe('-100111');
    expect(w.repos.cells.get(a.cell.id)?.telegramGroupId).toBe('-100111');
    expect(w.repos.cells.byTelegramGroup('-100111')?.id).toBe(a.cell.id);

    const audits = lastAuditId();
    const before = snapshot(w.store);
    expect(w.services.cells.linkGroup(a.secretary.caller, a.cell.id, '-100111').telegramGroupId).toBe('-100111');
    expect(snapshot(w.store)).toEqual(before);
    expect(lastAuditId()).toBe(audits);

    expect(errorCode(() => w.services.cells.linkGroup(a.secretary.caller, a.cell.id, '-100222'))).toBe('CELL.GROUP_ALREADY_LINKED');
    expect(errorCode(() => w.services.cells.linkGroup(b.secretary.caller, b.cell.id, '-100111'))).toBe('CELL.GROUP_TAKEN');
    expect(snapshot(w.store)).toEqual(before);

    w.services.cells.unlinkGroup(a.secretary.caller, a.cell.id);
    expect(w.services.cells.linkGroup(b.secretary.caller, b.cell.id, '-100111').telegramGroupId).toBe('-100111');
    expect(w.services.cells.linkGroup(a.secretary.caller, a.cell.id, '-100222').telegramGroupId).toBe('-100222');
  });

  it('linkGroup on a cell that does not exist says so', () => {
    const a = addCell(w, 'Chi bộ A', { channel: 'telegram', externalId: '1', fullName: 'Nguyễn Văn An' });
    expect(errorCode(() => w.services.cells.linkGroup(a.secretary.caller, 999, '-100111'))).toBe('CELL.NOT_FOUND');
  });
});

describe('invites', () => {
  let f: CellFixture;
  beforeEach(() => {
    w = openWorld({ env: { INVITE_TTL_DAYS: '3' } });
    f = seedCell(w);
  });

  it('stores only a hash of the code, never the code itself', () => {
    const { invite, code } = w.services.invites.create(f.actors.deputy.caller, f.cell.id, { maxUses: 1 });
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
    expect(invite.codeHash).toBe(hashCode(code));
    expect(invite.hint).toBe(code.slice(0, 4));
    const table = JSON.stringify(rows(w.store, 'invites'));
    for (const c of [code, f.inviteCode]) {
      expect(table).not.toContain(c);
      expect(table).not.toContain(c.slice(4)); // no other part of it either, beyond the 4-character hint
    }
    const everything = JSON.stringify([rows(w.store, 'audit_log'), rows(w.store, 'members'), rows(w.store, 'cells')]);
    expect(everything).not.toContain(code);
    // A typed code works in the forms people type it.
    const outsider = f.actors.outsider.personId;
    expect(w.services.invites.check(outsider, `${code.slice(0, 4)}-${code.slice(4, 8)} ${code.slice(8)}`.toLowerCase()).invite.id).toBe(invite.id);
    expect(w.services.invites.check(outsider, `/start ${code}`).invite.id).toBe(invite.id);
    expect(errorCode(() => w.services.invites.check(outsider, 'ABCDEFGHJKLM'))).toBe('INVITE.NOT_FOUND');
  });

  it('expires INVITE_TTL_DAYS after creation', () => {
    const { invite, code } = w.services.invites.create(f.actors.secretary.caller, f.cell.id, { maxUses: null });
    expect(invite.expiresAt).toBe(w.clock.now() + 3 * DAY);
    const outsider = f.actors.outsider.personId;
    w.clock.advance(3 * DAY - 1);
    expect(w.services.invites.check(outsider, code).cell.id).toBe(f.cell.id);
    expect(w.services.invites.listActive(f.actors.secretary.caller, f.cell.id).map((i) => i.id)).toContain(invite.id);
    w.clock.advance(1);
    expect(errorCode(() => w.services.invites.check(outsider, code))).toBe('INVITE.EXPIRED');
    expect(errorCode(() => w.services.invites.requestJoin(outsider, invite.id, 'Lâm Văn Ngoài'))).toBe('INVITE.EXPIRED');
    expect(w.services.invites.listActive(f.actors.secretary.caller, f.cell.id).map((i) => i.id)).not.toContain(invite.id);
  });

  it('a revoked invite is refused', () => {
    const revoked = w.services.invites.revoke(f.actors.deputy.caller, f.invite.id);
    expect(revoked.revokedAt).toBe(w.clock.now());
    const outsider = f.actors.outsider.personId;
    expect(errorCode(() => w.services.invites.check(outsider, f.inviteCode))).toBe('INVITE.REVOKED');
    expect(errorCode(() => w.services.invites.requestJoin(outsider, f.invite.id, 'Lâm Văn Ngoài'))).toBe('INVITE.REVOKED');
    expect(w.repos.members.inCell(f.cell.id, outsider)).toBeUndefined();
  });

  it('a single-use invite is used up by the first join request', () => {
    const { invite, code } = w.services.invites.create(f.actors.secretary.caller, f.cell.id, { maxUses: 1 });
    const first = addPerson(w, 'zalo', 'z-500', 'Một');
    const second = addPerson(w, 'telegram', '501', 'Hai');
    expect(w.services.invites.check(first.personId, code).invite.id).toBe(invite.id);
    w.services.invites.requestJoin(first.personId, invite.id, 'Mai Văn Một');
    expect(w.repos.invites.get(invite.id)?.uses).toBe(1);
    expect(errorCode(() => w.services.invites.check(second.personId, code))).toBe('INVITE.USED_UP');
    expect(errorCode(() => w.services.invites.requestJoin(second.personId, invite.id, 'Mai Văn Hai'))).toBe('INVITE.USED_UP');
    expect(w.repos.members.inCell(f.cell.id, second.personId)).toBeUndefined();
  });

  it('check refuses an active member and someone already waiting', () => {
    expect(errorCode(() => w.services.invites.check(f.actors.member.personId, f.inviteCode))).toBe('INVITE.ALREADY_MEMBER');
    expect(errorCode(() => w.services.invites.check(f.actors.pending.personId, f.inviteCode))).toBe('INVITE.ALREADY_PENDING');
    expect(errorCode(() => w.services.invites.requestJoin(f.actors.member.personId, f.invite.id, 'Phạm Thị Dung'))).toBe('INVITE.ALREADY_MEMBER');
    expect(errorCode(() => w.services.invites.requestJoin(f.actors.pending.personId, f.invite.id, 'Vũ Văn Giang'))).toBe('INVITE.ALREADY_PENDING');
    // Someone who left may come back.
    expect(w.services.invites.check(f.actors.left.personId, f.inviteCode).cell.id).toBe(f.cell.id);
  });

  it('requestJoin → pending; approve → active with joinedOn; a second decision → JOIN.NOT_PENDING', () => {
    const p = addPerson(w, 'zalo', 'z-600', 'Sáu');
    const row = w.services.invites.requestJoin(p.personId, f.invite.id, '  lưu  văn sáu ');
    expect(row).toMatchObject({ cellId: f.cell.id, personId: p.personId, status: 'pending', role: 'member', fullName: 'Lưu Văn Sáu', inviteId: f.invite.id, joinedOn: null });
    expect(w.services.invites.pending(f.actors.deputy.caller, f.cell.id).map((m) => m.id)).toContain(row.id);

    w.clock.advance(2 * DAY);
    const approved = w.services.invites.decide(f.actors.deputy.caller, row.id, true);
    expect(approved).toMatchObject({ id: row.id, status: 'active', joinedOn: '2026-03-12' });
    expect(w.services.invites.pending(f.actors.deputy.caller, f.cell.id).map((m) => m.id)).not.toContain(row.id);
    expect(errorCode(() => w.services.invites.decide(f.actors.secretary.caller, row.id, true))).toBe('JOIN.NOT_PENDING');
    expect(errorCode(() => w.services.invites.decide(f.actors.secretary.caller, row.id, false))).toBe('JOIN.NOT_PENDING');
    expect(w.repos.members.get(row.id)?.status).toBe('active');
  });

  it('a refused person may ask again, on the same row', () => {
    const p = f.pendingTarget;
    const rejected = w.services.invites.decide(f.actors.secretary.caller, f.pendingTargetMember.id, false);
    expect(rejected.status).toBe('rejected');
    expect(errorCode(() => w.services.invites.decide(f.actors.secretary.caller, f.pendingTargetMember.id, true))).toBe('JOIN.NOT_PENDING');
    expect(w.services.invites.check(p.personId, f.inviteCode).cell.id).toBe(f.cell.id);
    const again = w.services.invites.requestJoin(p.personId, f.invite.id, 'Ngô Thị Hà');
    expect(again).toMatchObject({ id: f.pendingTargetMember.id, status: 'pending' });
    expect(w.services.invites.decide(f.actors.secretary.caller, again.id, true)).toMatchObject({ status: 'active', joinedOn: TODAY });
  });

  it('someone who left may ask again; approval clears leftOn', () => {
    const left = f.actors.left;
    const again = w.services.invites.requestJoin(left.personId, f.invite.id, 'Đinh Văn Khánh');
    expect(again).toMatchObject({ id: memberOf(f, 'left').id, status: 'pending', leftOn: null });
    expect(w.services.invites.decide(f.actors.secretary.caller, again.id, true)).toMatchObject({ status: 'active', leftOn: null, joinedOn: TODAY });
  });
});

describe('members', () => {
  let f: CellFixture;
  beforeEach(() => {
    w = openWorld();
    f = seedCell(w);
  });

  it("setRole('secretary') hands over: the old secretary becomes deputy, one secretary remains", () => {
    const sec = f.actors.secretary;
    const deputyId = memberOf(f, 'deputy').id;
    const since = lastAuditId();
    const promoted = w.services.members.setRole(sec.caller, deputyId, 'secretary');
    expect(promoted.role).toBe('secretary');
    expect(w.repos.members.get(memberOf(f, 'secretary').id)?.role).toBe('deputy');
    expect(w.repos.members.withRoles(f.cell.id, ['secretary']).map((m) => m.id)).toEqual([deputyId]);
    expect(auditAfter(since)).toMatchObject([
      { action: 'member.setRole', actor_person_id: sec.personId, target_member_id: memberOf(f, 'secretary').id },
      { action: 'member.setRole', actor_person_id: sec.personId, target_member_id: deputyId },
    ]);
    // The outgoing secretary, now deputy, can no longer change roles.
    expect(errorCode(() => w.services.members.setRole(sec.caller, deputyId, 'member'))).toBe('AUTH.FORBIDDEN');
  });

  it('the secretary cannot be demoted (MEMBER.LAST_SECRETARY)', () => {
    const before = snapshot(w.store);
    expect(errorCode(() => w.services.members.setRole(f.actors.secretary.caller, memberOf(f, 'secretary').id, 'deputy'))).toBe('MEMBER.LAST_SECRETARY');
    expect(snapshot(w.store)).toEqual(before);
  });

  it('the secretary role cannot go to someone pending or gone (the cell would be left without an active secretary)', () => {
    for (const targetId of [f.pendingTargetMember.id, memberOf(f, 'left').id]) {
      const before = snapshot(w.store);
      expect(errorCode(() => w.services.members.setRole(f.actors.secretary.caller, targetId, 'secretary'))).toMatch(/^MEMBER\./);
      expect(snapshot(w.store)).toEqual(before);
      expect(w.repos.members.withRoles(f.cell.id, ['secretary']).map((m) => m.personId)).toEqual([f.actors.secretary.personId]);
    }
  });

  it('remove keeps the row as left with leftOn; the secretary cannot remove themselves', () => {
    const sec = f.actors.secretary;
    w.services.members.setCollectsDues(sec.caller, f.targetMember.id, true);
    w.services.members.setRole(sec.caller, f.targetMember.id, 'committee');
    w.clock.advance(DAY);
    const removed = w.services.members.remove(sec.caller, f.targetMember.id);
    expect(removed).toMatchObject({ id: f.targetMember.id, status: 'left', leftOn: '2026-03-11', role: 'member', collectsDues: false, fullName: 'Hoàng Văn Mục' });
    expect(w.repos.members.get(f.targetMember.id)).toMatchObject({ status: 'left', leftOn: '2026-03-11' });
    expect(w.services.members.list(sec.caller, f.cell.id).map((m) => m.id)).not.toContain(f.targetMember.id);
    // A member who left is no longer edited.
    expect(errorCode(() => w.services.members.rename(sec.caller, f.targetMember.id, 'Hoàng Văn Mới'))).toBe('MEMBER.NOT_FOUND');

    const before = snapshot(w.store);
    expect(errorCode(() => w.services.members.remove(sec.caller, memberOf(f, 'secretary').id))).toBe('MEMBER.SELF');
    expect(snapshot(w.store)).toEqual(before);
    expect(w.services.members.remove(sec.caller, memberOf(f, 'deputy').id)).toMatchObject({ status: 'left', role: 'member' });
  });

  it('exemptions: the end may not precede the start; current exemption is shown; ending closes it', () => {
    const sec = f.actors.secretary.caller;
    const id = memberOf(f, 'member').id;
    const before = snapshot(w.store);
    expect(errorCode(() => w.services.members.addExemption(sec, id, 'temporary', '2026-04-10', '2026-04-09'))).toBe('MEMBER.DATE_ORDER');
    expect(snapshot(w.store)).toEqual(before);

    const oneDay = w.services.members.addExemption(sec, id, 'temporary', '2026-03-10', '2026-03-10');
    expect(oneDay).toMatchObject({ memberId: id, cellId: f.cell.id, kind: 'temporary', fromDate: '2026-03-10', toDate: '2026-03-10' });
    expect(w.services.members.get(sec, id).exemption?.id).toBe(oneDay.id);
    expect(w.services.members.list(sec, f.cell.id).find((m) => m.id === id)?.exemption?.id).toBe(oneDay.id);
    w.clock.advance(DAY);
    expect(w.services.members.get(sec, id).exemption).toBeNull();

    const open = w.services.members.addExemption(sec, id, 'permanent', '2026-03-11', null);
    expect(w.services.members.get(sec, id).exemption?.id).toBe(open.id);
    expect(w.services.members.endExemption(sec, id, '2026-03-20')).toBe(1);
    expect(w.services.members.exemptionsOf(sec, id).find((e) => e.id === open.id)?.toDate).toBe('2026-03-20');
  });

  it('ending exemptions also cancels one that has not started: no day after the end date stays exempt', () => {
    const sec = f.actors.secretary.caller;
    const id = memberOf(f, 'member').id;
    w.services.members.addExemption(sec, id, 'temporary', '2026-04-01', '2026-04-30');
    w.services.members.endExemption(sec, id, '2026-03-15');
    w.clock.set(Date.UTC(2026, 3, 1, 3));
    expect(w.services.members.get(sec, id).exemption).toBeNull();
  });

  it('rename normalises the name and rejects ID numbers', () => {
    const sec = f.actors.secretary.caller;
    const before = snapshot(w.store);
    for (const typed of ['Nguyễn Văn 079123456789', 'Nguyễn Văn An 123 456 789', 'An 123.456.789 Nguyễn']) {
      expect(errorCode(() => w.services.members.rename(sec, f.targetMember.id, typed))).toBe('MEMBER.ID_NUMBER');
    }
    expect(errorCode(() => w.services.members.rename(sec, f.targetMember.id, 'An'))).toBe('MEMBER.NAME_INVALID');
    expect(snapshot(w.store)).toEqual(before);
    expect(w.services.members.rename(sec, f.targetMember.id, 'hoàng  văn   mục')).toMatchObject({ fullName: 'Hoàng Văn Mục' });
  });

  it('list shows leaders the pending members, and plain members only the active ones', () => {
    const forDeputy = w.services.members.list(f.actors.deputy.caller, f.cell.id).map((m) => m.status);
    const forMember = w.services.members.list(f.actors.member.caller, f.cell.id).map((m) => m.status);
    expect(forDeputy).toContain('pending');
    expect(new Set(forMember)).toEqual(new Set(['active']));
    expect(forMember).toHaveLength(5);
  });

  it('the audit log names actor and target of every change, and holds no typed text', () => {
    const sec = f.actors.secretary;
    const dep = f.actors.deputy;
    const t = f.targetMember.id;
    const since = lastAuditId();
    const newcomer = addPerson(w, 'zalo', 'z-700', 'Bảy');

    const { code } = w.services.invites.create(dep.caller, f.cell.id, { maxUses: 2 });
    const inviteId = w.services.invites.check(newcomer.personId, code).invite.id;
    const joined = w.services.invites.requestJoin(newcomer.personId, inviteId, 'Tôn Nữ Thảo');
    w.services.invites.decide(dep.caller, joined.id, true);
    w.services.invites.decide(dep.caller, f.pendingTargetMember.id, false);
    w.services.members.rename(dep.caller, t, 'Hoàng Văn Mục Tân');
    w.services.members.setMembership(dep.caller, t, 'probationary', '2026-01-05');
    w.services.members.setAttachment(dep.caller, t, 'temporary');
    w.services.members.setCollectsDues(dep.caller, t, true);
    w.services.members.setReviewForm(dep.caller, t, '2C');
    w.services.members.setDuesCategory(dep.caller, t, 'student');
    w.services.members.addExemption(dep.caller, t, 'temporary', '2026-05-01', '2026-05-31');
    w.services.members.endExemption(dep.caller, t, '2026-05-15');
    w.services.members.setRole(sec.caller, t, 'committee');
    w.services.members.remove(sec.caller, t);
    w.services.invites.revoke(sec.caller, inviteId);
    w.services.cells.linkGroup(sec.caller, f.cell.id, '-100999');

    const log = auditAfter(since);
    const pick = (r: Record<string, unknown>) => ({ action: r.action, actor: r.actor_person_id, target: r.target_member_id, cell: r.cell_id });
    const c = f.cell.id;
    expect(log.map(pick)).toEqual([
      { action: 'invite.create', actor: dep.personId, target: null, cell: c },
      { action: 'join.request', actor: newcomer.personId, target: joined.id, cell: c },
      { action: 'join.approve', actor: dep.personId, target: joined.id, cell: c },
      { action: 'join.reject', actor: dep.personId, target: f.pendingTargetMember.id, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.edit', actor: dep.personId, target: t, cell: c },
      { action: 'member.exemption', actor: dep.personId, target: t, cell: c },
      { action: 'member.exemptionEnd', actor: dep.personId, target: t, cell: c },
      { action: 'member.setRole', actor: sec.personId, target: t, cell: c },
      { action: 'member.remove', actor: sec.personId, target: t, cell: c },
      { action: 'invite.revoke', actor: sec.personId, target: null, cell: c },
      { action: 'cell.linkGroup', actor: sec.personId, target: null, cell: c },
    ]);
    const text = JSON.stringify(log);
    for (const typed of [code, formatCode(code), 'Tôn Nữ Thảo', 'Hoàng Văn Mục Tân', 'Thảo', 'Tân']) expect(text).not.toContain(typed);
  });
});

describe('identity links', () => {
  let f: CellFixture;
  beforeEach(() => {
    w = openWorld();
    f = seedCell(w);
  });

  it('a code made on Telegram and typed on Zalo makes one person of both, moving the memberships', () => {
    const tg = f.actors.member; // Telegram, member of the fixture cell
    const zl = f.actors.otherSecretary; // Zalo, secretary of the other cell
    const { code, expiresAt } = w.services.identity.createLinkCode(tg.personId, 'telegram');
    expect(expiresAt).toBe(w.clock.now() + 15 * MINUTE);
    expect(JSON.stringify(rows(w.store, 'link_codes'))).not.toContain(code);
    expect(w.services.identity.looksLikeLinkCode(code.toLowerCase())).toBe(true);

    w.clock.advance(14 * MINUTE);
    expect(w.services.identity.redeemLinkCode(zl.account, code)).toBe(tg.personId);

    expect(w.repos.people.account('zalo', zl.account.externalId)?.personId).toBe(tg.personId);
    expect(w.repos.people.accountsOf(tg.personId).map((a) => a.channel).sort()).toEqual(['telegram', 'zalo']);
    expect(w.repos.people.person(zl.personId)).toBeUndefined();
    expect(w.repos.members.ofPerson(zl.personId)).toEqual([]);
    expect(w.services.cells.cellsOf(tg.personId).map((c) => [c.cell.id, c.role]).sort()).toEqual(
      [
        [f.cell.id, 'member'],
        [f.otherCell.id, 'secretary'],
      ].sort(),
    );
    // The merged person is the other cell's secretary on either channel.
    const viaTelegram = refresh(w, tg).caller;
    expect(w.services.invites.create(viaTelegram, f.otherCell.id, { maxUses: 1 }).invite.cellId).toBe(f.otherCell.id);
    expect(w.repos.audit.recent(f.cell.id).some((r) => r.action === 'account.link')).toBe(false);
    expect(rows(w.store, 'audit_log').filter((r) => r.action === 'account.link')).toMatchObject([{ actor_person_id: tg.personId, cell_id: null }]);

    // Used once, never again.
    const third = addPerson(w, 'zalo', 'z-800', 'Tám');
    expect(errorCode(() => w.services.identity.redeemLinkCode(third.account, code))).toBe('LINK.CODE_INVALID');
    expect(w.repos.people.account('zalo', 'z-800')?.personId).toBe(third.personId);
  });

  it('a code typed on the channel it was made on is refused', () => {
    const { code } = w.services.identity.createLinkCode(f.actors.member.personId, 'telegram');
    const other = f.actors.deputy; // another Telegram account
    const before = JSON.stringify([rows(w.store, 'accounts'), rows(w.store, 'members')]);
    expect(errorCode(() => w.services.identity.redeemLinkCode(other.account, code))).toBe('LINK.SAME_CHANNEL');
    expect(JSON.stringify([rows(w.store, 'accounts'), rows(w.store, 'members')])).toBe(before);
    expect(errorCode(() => w.services.identity.redeemLinkCode(f.actors.member.account, code))).toBe('LINK.ALREADY_LINKED');
  });

  it('a code expires after 15 minutes', () => {
    const { code } = w.services.identity.createLinkCode(f.actors.member.personId, 'telegram');
    w.clock.advance(16 * MINUTE);
    const zl = f.actors.committee;
    expect(errorCode(() => w.services.identity.redeemLinkCode(zl.account, code))).toBe('LINK.CODE_INVALID');
    expect(w.repos.people.account('zalo', zl.account.externalId)?.personId).toBe(zl.personId);
    expect(errorCode(() => w.services.identity.redeemLinkCode(zl.account, 'not a code'))).toBe('LINK.CODE_INVALID');
  });

  it('an admin on any of their channels is an admin', () => {
    const admin = f.actors.admin;
    const zl = linkAccount(w, admin, 'zalo', 'z-900', 'Quản trị');
    expect(zl.personId).toBe(admin.personId);
    expect(zl.caller.isAdmin).toBe(true);
    expect(w.services.identity.isAdmin('zalo', 'z-900')).toBe(false);
  });
});

describe('notifier', () => {
  const build = () => ({ text: 'Họp chi bộ thường kỳ 19:30 thứ Năm' });
  const outbox = () => rows(w.store, 'outbox');

  beforeEach(() => {
    w = openWorld();
  });

  it('toPerson picks the preferred channel, else the most recent reachable account', () => {
    const tg = addPerson(w, 'telegram', '301', 'Ba');
    w.clock.advance(MINUTE);
    const zl = linkAccount(w, tg, 'zalo', 'z-301', 'Ba'); // seen later than the Telegram account
    const personId = tg.personId;
    const n = w.services.notifier;

    expect(n.accountFor(personId)?.channel).toBe('zalo');
    w.repos.people.markUnreachable('zalo', zl.account.externalId, 'blocked');
    expect(n.accountFor(personId)?.channel).toBe('telegram');
    w.repos.people.touchAccount('zalo', zl.account.externalId, 'Ba', w.clock.now());
    w.repos.people.updatePerson(personId, { preferredChannel: 'telegram' });
    expect(n.accountFor(personId)?.channel).toBe('telegram');
    w.repos.people.markUnreachable('telegram', '301', 'blocked');
    expect(n.accountFor(personId)?.channel).toBe('zalo');
    w.clock.advance(MINUTE);
    w.repos.people.touchAccount('telegram', '301', 'Ba', w.clock.now()); // telegram is now the most recent
    w.repos.people.updatePerson(personId, { preferredChannel: 'zalo' });
    expect(n.accountFor(personId)?.channel).toBe('zalo');

    expect(n.toPerson(personId, null, 'reminder:1', build)).toBe(true);
    expect(outbox()).toMatchObject([{ person_id: personId, channel: 'zalo', chat_id: 'z-301', idempotency_key: 'reminder:1', status: 'pending' }]);
    expect(JSON.parse(String(outbox()[0]?.payload))).toMatchObject({ text: build().text });
  });

  it('toPerson with the same key enqueues once', () => {
    const p = addPerson(w, 'telegram', '302', 'Hai');
    expect(w.services.notifier.toPerson(p.personId, null, 'k:1', build)).toBe(true);
    expect(w.services.notifier.toPerson(p.personId, null, 'k:1', () => ({ text: 'another text' }))).toBe(false);
    expect(w.services.notifier.toPerson(p.personId, null, 'k:2', build)).toBe(true);
    expect(outbox().map((r) => r.idempotency_key)).toEqual(['k:1', 'k:2']);
    expect(JSON.parse(String(outbox()[0]?.payload))).toMatchObject({ text: build().text });
  });

  it('toCell posts once in the linked Telegram group and privately to Zalo members only', () => {
    const f = seedCell(w);
    w.services.cells.linkGroup(f.actors.secretary.caller, f.cell.id, '-100555');
    w.services.notifier.toCell(f.cell.id, 'meeting:7', build);
    w.services.notifier.toCell(f.cell.id, 'meeting:7', build);

    const sent = outbox().map((r) => ({ channel: r.channel, chat: r.chat_id, person: r.person_id, key: r.idempotency_key }));
    // Active members: secretary, deputy, member, target on Telegram; committee on Zalo. Pending and left get nothing.
    expect(sent).toEqual([
      { channel: 'telegram', chat: '-100555', person: null, key: 'meeting:7:group' },
      { channel: 'zalo', chat: 'z-103', person: f.actors.committee.personId, key: `meeting:7:p${f.actors.committee.personId}` },
    ]);
  });

  it('toCell without a linked group writes to every active member privately', () => {
    const f = seedCell(w);
    w.services.notifier.toCell(f.cell.id, 'meeting:8', build);
    const people = outbox().map((r) => r.person_id);
    const active = w.repos.members.list(f.cell.id).map((m) => m.personId);
    expect(new Set(people)).toEqual(new Set(active));
    expect(people).toHaveLength(5);
    expect(outbox().every((r) => r.channel !== 'telegram' || !String(r.chat_id).startsWith('-'))).toBe(true);
  });
});

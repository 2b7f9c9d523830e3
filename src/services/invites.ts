import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { encodeCode, INVITE_CODE_LENGTH, inviteProblem, normaliseCode } from '../domain/invites.js';
import { checkFullName } from '../domain/names.js';
import { nameKey } from '../domain/roster.js';
import type { CellRow } from '../store/repos/cells.js';
import type { InviteRow } from '../store/repos/invites.js';
import type { MemberRow } from '../store/repos/members.js';
import { RosterRepo } from '../store/repos/roster.js';
import { isoDateIn } from '../conversation/format.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';

export const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');

export function newCode(length: number): string {
  return encodeCode(randomBytes(length), length);
}

/**
 * What shows the caller holds a personal invite: the code itself, or its hash kept in the dialogue
 * opened with it. An invite id alone (a forged button press) is never enough.
 */
export type CodeProof = { code: string } | { codeHash: string };

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface CreatedInvite {
  invite: InviteRow;
  code: string;
}

export class InviteService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
  ) {}

  create(caller: Caller, cellId: number, opts: { maxUses: number | null }): CreatedInvite {
    const creator = this.access.requireMember(caller, cellId, 'invite.create');
    const now = this.deps.clock.now();
    const code = newCode(INVITE_CODE_LENGTH);
    const invite = this.deps.repos.invites.insert({
      cellId,
      codeHash: hashCode(code),
      hint: code.slice(0, 4),
      createdBy: creator.id,
      maxUses: opts.maxUses,
      expiresAt: now + this.deps.settings.inviteTtlDays * 86_400_000,
      createdAt: now,
    });
    this.deps.repos.audit.record({ cellId, actorPersonId: caller.personId, action: 'invite.create', details: { inviteId: invite.id }, createdAt: now });
    return { invite, code };
  }

  listActive(caller: Caller, cellId: number): InviteRow[] {
    this.access.require(caller, cellId, 'invite.create');
    return this.deps.repos.invites.active(cellId, this.deps.clock.now());
  }

  revoke(caller: Caller, inviteId: number): InviteRow {
    const invite = this.deps.repos.invites.get(inviteId);
    if (!invite) throw new DomainError('INVITE.NOT_FOUND');
    this.access.require(caller, invite.cellId, 'invite.revoke');
    const now = this.deps.clock.now();
    this.deps.repos.invites.revoke(inviteId, now);
    this.deps.repos.audit.record({ cellId: invite.cellId, actorPersonId: caller.personId, action: 'invite.revoke', details: { inviteId }, createdAt: now });
    return { ...invite, revokedAt: now };
  }

  /** Looks a typed or deep-linked code up; throws why it cannot be used. */
  check(personId: number, typed: string): { invite: InviteRow; cell: CellRow } {
    const code = normaliseCode(typed, INVITE_CODE_LENGTH);
    if (!code) throw new DomainError('INVITE.NOT_FOUND');
    const invite = this.deps.repos.invites.byHash(hashCode(code));
    if (!invite) throw new DomainError('INVITE.NOT_FOUND');
    const problem = inviteProblem(invite, this.deps.clock.now());
    if (problem) throw new DomainError(problem);
    const cell = this.deps.repos.cells.get(invite.cellId);
    if (!cell) throw new DomainError('INVITE.NOT_FOUND');
    const existing = this.deps.repos.members.inCell(cell.id, personId);
    if (existing?.status === 'active') throw new DomainError('INVITE.ALREADY_MEMBER', { cell: cell.name });
    // A personal invite may replace a request still waiting: joinPersonal sets it aside.
    if (existing?.status === 'pending' && invite.memberId === null) throw new DomainError('INVITE.ALREADY_PENDING', { cell: cell.name });
    return { invite, cell };
  }

  /** The person confirmed their name: they wait for a leader's approval. */
  requestJoin(personId: number, inviteId: number, typedName: string): MemberRow {
    const name = checkFullName(typedName);
    if (!name.ok) throw new DomainError(name.code);
    const invite = this.deps.repos.invites.get(inviteId);
    // A personal invite is answered "Đúng" / "Không phải" (joinPersonal), never used up by a typed name.
    if (!invite || invite.memberId !== null) throw new DomainError('INVITE.NOT_FOUND');
    const now = this.deps.clock.now();
    const problem = inviteProblem(invite, now);
    if (problem) throw new DomainError(problem);
    const { repos } = this.deps;
    return this.deps.store.db.transaction(() => {
      const existing = repos.members.inCell(invite.cellId, personId);
      if (existing?.status === 'active') throw new DomainError('INVITE.ALREADY_MEMBER', { cell: '' });
      if (existing?.status === 'pending') throw new DomainError('INVITE.ALREADY_PENDING', { cell: '' });
      repos.invites.countUse(invite.id);
      const fields = { fullName: name.value, status: 'pending' as const, inviteId: invite.id, updatedAt: now };
      // Someone who left or was refused before may ask again: reuse their row, keep history in the audit log.
      const member = existing
        ? (repos.members.update(existing.id, { ...fields, leftOn: null }) as MemberRow)
        : repos.members.insert({ ...fields, cellId: invite.cellId, personId, createdAt: now });
      repos.audit.record({ cellId: invite.cellId, actorPersonId: personId, action: 'join.request', targetMemberId: member.id, createdAt: now });
      return member;
    });
  }

  /** A personal invite's member, while the invite can still be used and the member still waits for their person. */
  personalTarget(invite: InviteRow): MemberRow {
    const problem = inviteProblem(invite, this.deps.clock.now());
    if (problem) throw new DomainError(problem);
    const target = invite.memberId === null ? undefined : this.deps.repos.members.get(invite.memberId);
    if (!target || target.status !== 'active') throw new DomainError('INVITE.NOT_FOUND');
    if (this.deps.repos.people.accountsOf(target.personId).length > 0) throw new DomainError('INVITE.USED_UP');
    return target;
  }

  /** The personal invite the proof opens; refused as "not found" when the id and the code do not belong together. */
  private presented(inviteId: number, proof: CodeProof): InviteRow & { memberId: number } {
    const invite = this.deps.repos.invites.get(inviteId);
    if (!invite || invite.memberId === null) throw new DomainError('INVITE.NOT_FOUND');
    const hash = 'code' in proof ? hashCode(normaliseCode(proof.code, INVITE_CODE_LENGTH) ?? '') : proof.codeHash;
    if (!sameHash(hash, invite.codeHash)) throw new DomainError('INVITE.NOT_FOUND');
    return { ...invite, memberId: invite.memberId };
  }

  /**
   * "Đúng": the person becomes the imported member, already approved, with every imported field.
   * A row they had in the cell before (a request, a past membership) keeps its history apart.
   */
  joinPersonal(personId: number, inviteId: number, proof: CodeProof): MemberRow {
    const { repos, store, clock } = this.deps;
    return store.db.transaction(() => {
      const invite = this.presented(inviteId, proof);
      const target = this.personalTarget(invite);
      const existing = repos.members.inCell(invite.cellId, personId);
      if (existing?.status === 'active') throw new DomainError('INVITE.ALREADY_MEMBER', { cell: repos.cells.get(invite.cellId)?.name ?? '' });
      if (!repos.invites.useOnce(invite.id)) throw new DomainError('INVITE.USED_UP');
      const now = clock.now();
      const placeholder = target.personId;
      if (existing) {
        const apart = repos.people.createPerson(now);
        repos.members.reassign(existing.id, apart);
        if (existing.status === 'pending') {
          repos.members.update(existing.id, { status: 'rejected', updatedAt: now });
          // Nobody refused it: the personal invite took its place.
          repos.audit.record({ cellId: invite.cellId, actorPersonId: null, action: 'join.superseded', targetMemberId: existing.id, details: { supersededBy: 'personalInvite', inviteId: invite.id, memberId: target.id }, createdAt: now });
        }
      }
      repos.members.reassign(target.id, personId);
      const joined = repos.members.update(target.id, { inviteId: invite.id, updatedAt: now }) as MemberRow;
      if (repos.members.ofPerson(placeholder).length === 0) repos.people.deletePersonIfOrphan(placeholder);
      repos.audit.record({ cellId: invite.cellId, actorPersonId: personId, action: 'join.personal', targetMemberId: target.id, details: { inviteId: invite.id }, createdAt: now });
      return joined;
    });
  }

  /** "Không phải": the code stays unused; the audit (and the secretary) learn that the wrong person holds it. */
  declinePersonal(personId: number, inviteId: number, proof: CodeProof): MemberRow {
    const invite = this.presented(inviteId, proof);
    const target = this.personalTarget(invite);
    this.deps.repos.audit.record({ cellId: invite.cellId, actorPersonId: personId, action: 'invite.personalDeclined', targetMemberId: target.id, details: { inviteId: invite.id }, createdAt: this.deps.clock.now() });
    return target;
  }

  /**
   * Active members of the request's cell with the same name (by `nameKey`) whose person has no chat
   * account yet: most likely the requester, imported from the roll, who used the cell's general invite
   * instead of their personal one. Only a request waiting for a decision has any.
   */
  namesakes(request: Pick<MemberRow, 'cellId' | 'fullName' | 'status'>): MemberRow[] {
    if (request.status !== 'pending') return [];
    const { repos } = this.deps;
    const key = nameKey(request.fullName);
    return repos.members
      .list(request.cellId, ['active'])
      .filter((m) => nameKey(m.fullName) === key && repos.people.accountsOf(m.personId).length === 0)
      .sort((a, b) => a.id - b.id);
  }

  /**
   * "Là đồng chí X": the request is the imported member X, not a new member. X gets the requester's
   * person (and so their chat account) and keeps every imported field; the request row is set aside on
   * a person of its own; X's unused personal invites stop working. Only the first decision counts.
   */
  decideAs(caller: Caller, requestId: number, targetMemberId: number): MemberRow {
    const { repos, store, clock } = this.deps;
    const pending = repos.members.get(requestId);
    if (!pending) throw new DomainError('MEMBER.NOT_FOUND');
    this.access.require(caller, pending.cellId, 'join.decide');
    return store.db.transaction(() => {
      const request = repos.members.get(requestId);
      if (!request || request.status !== 'pending') throw new DomainError('JOIN.NOT_PENDING');
      // Checked again here: the namesake may have joined with their personal invite since the card was sent.
      const target = this.namesakes(request).find((m) => m.id === targetMemberId);
      if (!target) throw new DomainError('MEMBER.NOT_FOUND');
      const now = clock.now();
      const requester = request.personId;
      const placeholder = target.personId;
      if (!repos.members.transition(request.id, 'pending', { status: 'rejected', updatedAt: now })) throw new DomainError('JOIN.NOT_PENDING');
      repos.members.reassign(request.id, repos.people.createPerson(now));
      repos.audit.record({ cellId: request.cellId, actorPersonId: caller.personId, action: 'join.superseded', targetMemberId: request.id, details: { matchedTo: target.id }, createdAt: now });
      repos.members.reassign(target.id, requester);
      const joined = repos.members.update(target.id, { inviteId: request.inviteId, updatedAt: now }) as MemberRow;
      new RosterRepo(store.db).revokePersonal([target.id], now);
      if (repos.members.ofPerson(placeholder).length === 0) repos.people.deletePersonIfOrphan(placeholder);
      repos.audit.record({ cellId: request.cellId, actorPersonId: caller.personId, action: 'join.matched', targetMemberId: target.id, details: { requestId: request.id }, createdAt: now });
      return joined;
    });
  }

  /** Approve or refuse a pending member; only the first decision counts. */
  decide(caller: Caller, memberId: number, approve: boolean): MemberRow {
    const pending = this.deps.repos.members.get(memberId);
    if (!pending) throw new DomainError('MEMBER.NOT_FOUND');
    this.access.require(caller, pending.cellId, 'join.decide');
    const now = this.deps.clock.now();
    const today = isoDateIn(now, this.deps.repos.cells.get(pending.cellId)?.timezone ?? this.deps.settings.defaultTimezone);
    const decided = this.deps.repos.members.transition(memberId, 'pending', approve ? { status: 'active', joinedOn: today, updatedAt: now } : { status: 'rejected', updatedAt: now });
    if (!decided) throw new DomainError('JOIN.NOT_PENDING');
    this.deps.repos.audit.record({ cellId: pending.cellId, actorPersonId: caller.personId, action: approve ? 'join.approve' : 'join.reject', targetMemberId: memberId, createdAt: now });
    return decided;
  }

  pending(caller: Caller, cellId: number): MemberRow[] {
    this.access.require(caller, cellId, 'join.decide');
    return this.deps.repos.members.list(cellId, ['pending']);
  }
}

import { DomainError } from '../domain/errors.js';
import { can, type Actor, type PrivilegedAction } from '../domain/roles.js';
import type { MemberRow } from '../store/repos/members.js';
import type { Caller, Repos } from './context.js';

/** Resolves the caller's standing in a cell and enforces the permission table. */
export class Access {
  constructor(private readonly repos: Repos) {}

  actor(caller: Caller, cellId: number): { actor: Actor; member: MemberRow | undefined } {
    const member = this.repos.members.inCell(cellId, caller.personId);
    return {
      actor: { isAdmin: caller.isAdmin, role: member?.role ?? null, status: member?.status ?? null },
      member,
    };
  }

  /** Throws a refusal that says why: not in the cell, still pending, or lacking the role. */
  require(caller: Caller, cellId: number, action: PrivilegedAction): MemberRow | undefined {
    if (!this.repos.cells.get(cellId)) throw new DomainError('CELL.NOT_FOUND');
    const { actor, member } = this.actor(caller, cellId);
    if (can(actor, action)) return member;
    if (action === 'cell.create') throw new DomainError('AUTH.NOT_ADMIN');
    if (member?.status === 'pending') throw new DomainError('AUTH.PENDING');
    if (!member || member.status !== 'active') throw new DomainError('AUTH.NOT_MEMBER');
    throw new DomainError('AUTH.FORBIDDEN');
  }

  requireMember(caller: Caller, cellId: number, action: PrivilegedAction): MemberRow {
    const member = this.require(caller, cellId, action);
    if (!member) throw new DomainError('AUTH.NOT_MEMBER');
    return member;
  }
}

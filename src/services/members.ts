import { DomainError } from '../domain/errors.js';
import { checkExemption, exemptionOn, type Attachment, type DuesCategory, type ExemptionKind, type Membership, type ReviewForm } from '../domain/members.js';
import { checkFullName } from '../domain/names.js';
import type { PrivilegedAction, Role } from '../domain/roles.js';
import type { ExemptionRow, MemberPatch, MemberRow } from '../store/repos/members.js';
import { isoDateIn } from '../conversation/format.js';
import type { Access } from './access.js';
import type { Caller, ServiceDeps } from './context.js';

export interface MemberView extends MemberRow {
  exemption: ExemptionRow | null;
}

export class MemberService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly access: Access,
  ) {}

  private today(): string {
    return isoDateIn(this.deps.clock.now(), this.deps.settings.defaultTimezone);
  }

  /** Active members with their current exemption; leaders also see who waits for approval. */
  list(caller: Caller, cellId: number): MemberView[] {
    const me = this.access.requireMember(caller, cellId, 'members.list');
    const statuses: MemberRow['status'][] = me.role === 'secretary' || me.role === 'deputy' ? ['active', 'pending'] : ['active'];
    const today = this.today();
    const exemptions = this.deps.repos.members.exemptionsInCell(cellId);
    return this.deps.repos.members.list(cellId, statuses).map((m) => ({
      ...m,
      exemption: exemptionOn(
        exemptions.filter((e) => e.memberId === m.id).map((e) => ({ ...e, from: e.fromDate, to: e.toDate })),
        today,
      ) as ExemptionRow | null,
    }));
  }

  /** One member, as seen by someone allowed to edit members of that cell. */
  get(caller: Caller, memberId: number): MemberView {
    const member = this.target(memberId);
    const me = this.access.requireMember(caller, member.cellId, 'members.list');
    // Only leaders see people who are not (or no longer) active, as in the list.
    if (member.status !== 'active' && me.role !== 'secretary' && me.role !== 'deputy') throw new DomainError('MEMBER.NOT_FOUND');
    const exemptions = this.deps.repos.members.exemptionsOf(memberId);
    const current = exemptions.find((e) => e.fromDate <= this.today() && (e.toDate === null || this.today() <= e.toDate)) ?? null;
    return { ...member, exemption: current };
  }

  exemptionsOf(caller: Caller, memberId: number): ExemptionRow[] {
    const member = this.target(memberId);
    this.access.require(caller, member.cellId, 'member.edit');
    return this.deps.repos.members.exemptionsOf(memberId);
  }

  setRole(caller: Caller, memberId: number, role: Role): MemberRow {
    const target = this.target(memberId);
    this.access.require(caller, target.cellId, 'member.setRole');
    if (target.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    if (target.role === 'secretary' && role !== 'secretary') throw new DomainError('MEMBER.LAST_SECRETARY');
    return this.deps.store.db.transaction(() => {
      if (role === 'secretary') {
        // One secretary per cell: handing over makes the outgoing secretary a deputy.
        for (const s of this.deps.repos.members.withRoles(target.cellId, ['secretary'])) {
          if (s.id !== memberId) this.apply(caller, s, 'member.setRole', { role: 'deputy' }, { role: 'deputy' });
        }
      }
      return this.apply(caller, target, 'member.setRole', { role }, { role });
    });
  }

  setMembership(caller: Caller, memberId: number, membership: Membership, sinceIso: string): MemberRow {
    return this.edit(caller, memberId, 'member.edit', { membership, membershipSince: sinceIso }, { membership, since: sinceIso });
  }

  setAttachment(caller: Caller, memberId: number, attachment: Attachment): MemberRow {
    return this.edit(caller, memberId, 'member.edit', { attachment }, { attachment });
  }

  setCollectsDues(caller: Caller, memberId: number, collectsDues: boolean): MemberRow {
    return this.edit(caller, memberId, 'member.edit', { collectsDues }, { collectsDues });
  }

  setReviewForm(caller: Caller, memberId: number, reviewForm: ReviewForm): MemberRow {
    return this.edit(caller, memberId, 'member.edit', { reviewForm }, { reviewForm });
  }

  setDuesCategory(caller: Caller, memberId: number, duesCategory: DuesCategory): MemberRow {
    return this.edit(caller, memberId, 'member.edit', { duesCategory }, { duesCategory });
  }

  rename(caller: Caller, memberId: number, typed: string): MemberRow {
    const name = checkFullName(typed);
    if (!name.ok) throw new DomainError(name.code);
    return this.edit(caller, memberId, 'member.edit', { fullName: name.value }, {});
  }

  addExemption(caller: Caller, memberId: number, kind: ExemptionKind, fromIso: string, toIso: string | null): ExemptionRow {
    const target = this.activeTarget(caller, memberId);
    if (checkExemption({ kind, from: fromIso, to: toIso })) throw new DomainError('MEMBER.DATE_ORDER');
    const now = this.deps.clock.now();
    const row = this.deps.repos.members.addExemption({ cellId: target.cellId, memberId, kind, fromDate: fromIso, toDate: toIso, createdAt: now });
    this.audit(caller, target, 'member.exemption', { kind, from: fromIso, to: toIso });
    return row;
  }

  endExemption(caller: Caller, memberId: number, onIso: string): number {
    const target = this.activeTarget(caller, memberId);
    const ended = this.deps.repos.members.endExemptions(memberId, onIso);
    this.audit(caller, target, 'member.exemptionEnd', { on: onIso });
    return ended;
  }

  /** Marks a member as having left; the row and its history stay. */
  remove(caller: Caller, memberId: number): MemberRow {
    const target = this.target(memberId);
    this.access.require(caller, target.cellId, 'member.remove');
    if (target.personId === caller.personId) throw new DomainError('MEMBER.SELF');
    if (target.role === 'secretary') throw new DomainError('MEMBER.LAST_SECRETARY');
    return this.apply(caller, target, 'member.remove', { status: 'left', leftOn: this.today(), role: 'member', collectsDues: false }, {});
  }

  private target(memberId: number): MemberRow {
    const m = this.deps.repos.members.get(memberId);
    if (!m || m.status === 'rejected') throw new DomainError('MEMBER.NOT_FOUND');
    return m;
  }

  /** The target of an edit: permission first (so outsiders learn nothing), then it must be active. */
  private activeTarget(caller: Caller, memberId: number, action: PrivilegedAction = 'member.edit'): MemberRow {
    const target = this.target(memberId);
    this.access.require(caller, target.cellId, action);
    if (target.status !== 'active') throw new DomainError('MEMBER.NOT_FOUND');
    return target;
  }

  private edit(caller: Caller, memberId: number, action: PrivilegedAction, patch: MemberPatch, details: Record<string, string | boolean | null>): MemberRow {
    return this.apply(caller, this.activeTarget(caller, memberId, action), action, patch, details);
  }

  private apply(caller: Caller, target: MemberRow, action: string, patch: MemberPatch, details: Record<string, string | boolean | null>): MemberRow {
    const updated = this.deps.repos.members.update(target.id, { ...patch, updatedAt: this.deps.clock.now() });
    this.audit(caller, target, action, details);
    return updated ?? target;
  }

  private audit(caller: Caller, target: MemberRow, action: string, details: Record<string, string | boolean | null>): void {
    this.deps.repos.audit.record({ cellId: target.cellId, actorPersonId: caller.personId, action, targetMemberId: target.id, details, createdAt: this.deps.clock.now() });
  }
}

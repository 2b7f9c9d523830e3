import { describe, expect, it } from 'vitest';
import { can, isLeader, leaderRoles, memberStatuses, permissionTable, privilegedActions, roles, type Actor, type MemberStatus, type PrivilegedAction, type Role } from './roles.js';

/** The intended table, written out independently of the module so a change to either shows up. */
const expectedTable: Record<PrivilegedAction, readonly Role[] | 'admin'> = {
  'cell.create': 'admin',
  'cell.linkGroup': ['secretary'],
  'cell.settings': ['secretary'],
  'invite.create': ['secretary', 'deputy'],
  'invite.revoke': ['secretary', 'deputy'],
  'roster.import': ['secretary', 'deputy'],
  'roster.export': ['secretary', 'deputy'],
  'join.decide': ['secretary', 'deputy'],
  'members.list': ['secretary', 'deputy', 'committee', 'member'],
  'member.edit': ['secretary', 'deputy'],
  'member.setRole': ['secretary'],
  'member.remove': ['secretary'],
  'audit.read': ['secretary'],
  'meeting.view': ['secretary', 'deputy', 'committee', 'member'],
  'meeting.manage': ['secretary', 'deputy'],
  'meeting.attendance': ['secretary', 'deputy'],
  'meeting.excuse': ['secretary', 'deputy'],
  'dues.declare': ['secretary', 'deputy', 'committee', 'member'],
  'dues.collect': ['secretary'],
  'dues.correct': ['secretary'],
  'dues.setAmount': ['secretary'],
  'dues.relief': ['secretary'],
  'dues.view': ['secretary'],
  'dues.export': ['secretary'],
  'feedback.send': ['secretary', 'deputy', 'committee', 'member'],
  'feedback.answer': ['secretary', 'deputy', 'committee'],
  'feedback.draft': ['secretary'],
  'review.write': ['secretary', 'deputy', 'committee', 'member'],
  'review.status': ['secretary', 'deputy', 'committee'],
  'review.read': ['secretary', 'deputy'],
  'review.export': ['secretary'],
  'review.season': ['secretary'],
  'assignment.manage': ['secretary', 'deputy'],
  'assignment.view': ['secretary', 'deputy', 'committee'],
  'assignment.respond': ['secretary', 'deputy', 'committee', 'member'],
  'pledge.write': ['secretary', 'deputy', 'committee', 'member'],
  'pledge.status': ['secretary', 'deputy', 'committee'],
  'pledge.read': ['secretary', 'deputy'],
  'monthlyCheck.mark': ['secretary', 'deputy'],
  'monthlyCheck.view': ['secretary', 'deputy', 'committee'],
  'residence.manage': ['secretary', 'deputy'],
  'residence.view': ['secretary', 'deputy', 'committee'],
  'summary.view': ['secretary', 'deputy'],
};

const roleOptions: readonly (Role | null)[] = [...roles, null];
const statusOptions: readonly (MemberStatus | null)[] = [...memberStatuses, null];
const adminOptions = [true, false] as const;

/** What `can` should answer, derived from the table: admins only create cells; inside a cell only active members with a listed role act. */
function expected(actor: Actor, action: PrivilegedAction): boolean {
  const allowed = permissionTable[action];
  if (allowed === 'admin') return actor.isAdmin;
  return actor.status === 'active' && actor.role !== null && allowed.includes(actor.role);
}

describe('permissionTable', () => {
  it('covers exactly the privileged actions', () => {
    expect(Object.keys(permissionTable).sort()).toEqual([...privilegedActions].sort());
  });

  it('matches the documented table', () => {
    expect(permissionTable).toEqual(expectedTable);
  });

  it('lists only known roles, without duplicates', () => {
    for (const action of privilegedActions) {
      const allowed = permissionTable[action];
      if (allowed === 'admin') continue;
      expect(new Set(allowed).size).toBe(allowed.length);
      for (const r of allowed) expect(roles).toContain(r);
    }
  });

  it('lets the secretary do every in-cell action', () => {
    for (const action of privilegedActions) {
      const allowed = permissionTable[action];
      if (allowed !== 'admin') expect(allowed).toContain('secretary');
    }
  });
});

describe('can', () => {
  const cases: { action: PrivilegedAction; actor: Actor; want: boolean }[] = [];
  for (const action of privilegedActions)
    for (const isAdmin of adminOptions)
      for (const role of roleOptions)
        for (const status of statusOptions) {
          const actor: Actor = { isAdmin, role, status };
          cases.push({ action, actor, want: expected(actor, action) });
        }

  it('has every combination of action × admin flag × role × status', () => {
    expect(cases).toHaveLength(privilegedActions.length * 2 * roleOptions.length * statusOptions.length);
  });

  it.each(cases)('$action by admin=$actor.isAdmin role=$actor.role status=$actor.status → $want', ({ action, actor, want }) => {
    expect(can(actor, action)).toBe(want);
  });

  it('matches the hand-written table for active members', () => {
    for (const action of privilegedActions) {
      const allowed = expectedTable[action];
      for (const role of roles) {
        const want = allowed !== 'admin' && allowed.includes(role);
        expect(can({ isAdmin: false, role, status: 'active' }, action), `${role} ${action}`).toBe(want);
      }
    }
  });

  it('gives bot admins no extra rights inside a cell', () => {
    for (const action of privilegedActions) {
      if (action === 'cell.create') continue;
      for (const role of roleOptions)
        for (const status of statusOptions)
          expect(can({ isAdmin: true, role, status }, action)).toBe(can({ isAdmin: false, role, status }, action));
    }
  });

  it('lets only admins create cells, whatever their role or status', () => {
    for (const role of roleOptions)
      for (const status of statusOptions) {
        expect(can({ isAdmin: true, role, status }, 'cell.create')).toBe(true);
        expect(can({ isAdmin: false, role, status }, 'cell.create')).toBe(false);
      }
  });

  it('refuses everything in-cell to pending, departed, rejected and outside people', () => {
    for (const action of privilegedActions) {
      if (action === 'cell.create') continue;
      for (const status of ['pending', 'left', 'rejected', null] as const)
        for (const role of roleOptions) for (const isAdmin of adminOptions) expect(can({ isAdmin, role, status }, action)).toBe(false);
      for (const isAdmin of adminOptions) expect(can({ isAdmin, role: null, status: 'active' }, action)).toBe(false);
    }
  });

  it('spot checks', () => {
    expect(can({ isAdmin: false, role: 'deputy', status: 'active' }, 'invite.create')).toBe(true);
    expect(can({ isAdmin: false, role: 'deputy', status: 'active' }, 'member.setRole')).toBe(false);
    expect(can({ isAdmin: false, role: 'committee', status: 'active' }, 'join.decide')).toBe(false);
    expect(can({ isAdmin: false, role: 'member', status: 'active' }, 'members.list')).toBe(true);
    expect(can({ isAdmin: false, role: 'secretary', status: 'left' }, 'members.list')).toBe(false);
    expect(can({ isAdmin: true, role: null, status: null }, 'audit.read')).toBe(false);
  });
});

describe('isLeader', () => {
  it.each([
    ['secretary', true],
    ['deputy', true],
    ['committee', false],
    ['member', false],
    [null, false],
  ] as const)('%s → %s', (role, want) => {
    expect(isLeader(role)).toBe(want);
  });

  it('agrees with leaderRoles for every role', () => {
    for (const role of roles) expect(isLeader(role)).toBe(leaderRoles.includes(role));
    expect(leaderRoles).toEqual(['secretary', 'deputy']);
  });
});

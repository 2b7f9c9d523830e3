/** Roles inside a cell, most senior first. */
export const roles = ['secretary', 'deputy', 'committee', 'member'] as const;
export type Role = (typeof roles)[number];

export const memberStatuses = ['pending', 'active', 'left', 'rejected'] as const;
export type MemberStatus = (typeof memberStatuses)[number];

/** Who is acting, as far as permissions care. `role` is null for someone outside the cell. */
export interface Actor {
  isAdmin: boolean;
  role: Role | null;
  status: MemberStatus | null;
}

export const privilegedActions = [
  'cell.create',
  'cell.linkGroup',
  'cell.settings',
  'invite.create',
  'invite.revoke',
  'join.decide',
  'members.list',
  'member.edit',
  'member.setRole',
  'member.remove',
  'audit.read',
] as const;
export type PrivilegedAction = (typeof privilegedActions)[number];

/**
 * The permission table (README mirrors it). Bot admins only create cells: inside a cell they
 * have no more rights than their role gives, so one operator cannot read every cell's data.
 */
export const permissionTable: Record<PrivilegedAction, readonly Role[] | 'admin'> = {
  'cell.create': 'admin',
  'cell.linkGroup': ['secretary'],
  'cell.settings': ['secretary'],
  'invite.create': ['secretary', 'deputy'],
  'invite.revoke': ['secretary', 'deputy'],
  'join.decide': ['secretary', 'deputy'],
  'members.list': ['secretary', 'deputy', 'committee', 'member'],
  'member.edit': ['secretary', 'deputy'],
  'member.setRole': ['secretary'],
  'member.remove': ['secretary'],
  'audit.read': ['secretary'],
};

export function can(actor: Actor, action: PrivilegedAction): boolean {
  const allowed = permissionTable[action];
  if (allowed === 'admin') return actor.isAdmin;
  return actor.status === 'active' && actor.role !== null && allowed.includes(actor.role);
}

/** Roles that run the cell day to day and receive its operational notices. */
export const leaderRoles: readonly Role[] = ['secretary', 'deputy'];
export const isLeader = (role: Role | null): boolean => role !== null && leaderRoles.includes(role);

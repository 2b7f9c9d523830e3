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
  'roster.import',
  'roster.export',
  'join.decide',
  'members.list',
  'member.edit',
  'member.setRole',
  'member.remove',
  'audit.read',
  'meeting.view',
  'meeting.manage',
  'meeting.attendance',
  'meeting.excuse',
  'dues.declare',
  'dues.collect',
  'dues.correct',
  'dues.setAmount',
  'dues.relief',
  'dues.view',
  'dues.export',
  'feedback.send',
  'feedback.answer',
  'feedback.draft',
  'review.write',
  'review.status',
  'review.read',
  'review.export',
  'review.season',
  'assignment.manage',
  'assignment.view',
  'assignment.respond',
  'pledge.write',
  'pledge.status',
  'pledge.read',
  'monthlyCheck.mark',
  'monthlyCheck.view',
  'residence.manage',
  'residence.view',
  'summary.view',
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
  // Importing can change roles and income bases only with those rights too (checked in RosterService).
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
  // Dues: besides these roles, a member with the collectsDues flag may do every dues.* action (checked in DuesService).
  'dues.declare': ['secretary', 'deputy', 'committee', 'member'],
  'dues.collect': ['secretary'],
  'dues.correct': ['secretary'],
  'dues.setAmount': ['secretary'],
  'dues.relief': ['secretary'],
  'dues.view': ['secretary'],
  'dues.export': ['secretary'],
  // Feedback: anonymous items carry no author, so these rules are all the service can check.
  'feedback.send': ['secretary', 'deputy', 'committee', 'member'],
  'feedback.answer': ['secretary', 'deputy', 'committee'],
  'feedback.draft': ['secretary'],
  // Self-criticism: a draft is its author's alone (checked in SelfReviewService); these govern other people's notes.
  'review.write': ['secretary', 'deputy', 'committee', 'member'],
  'review.status': ['secretary', 'deputy', 'committee'],
  'review.read': ['secretary', 'deputy'],
  'review.export': ['secretary'],
  'review.season': ['secretary'],
  // Assignments: the assignee answers their own tasks (checked in AssignmentService); leaders assign, confirm, return, cancel.
  'assignment.manage': ['secretary', 'deputy'],
  'assignment.view': ['secretary', 'deputy', 'committee'],
  'assignment.respond': ['secretary', 'deputy', 'committee', 'member'],
  // Yearly commitments: a draft is its author's alone; the committee sees who registered, the secretary and deputy read.
  'pledge.write': ['secretary', 'deputy', 'committee', 'member'],
  'pledge.status': ['secretary', 'deputy', 'committee'],
  'pledge.read': ['secretary', 'deputy'],
  // Monthly 4 Tốt check (Đạt / Không đạt per criterion) and residence comments (form 3-213).
  'monthlyCheck.mark': ['secretary', 'deputy'],
  'monthlyCheck.view': ['secretary', 'deputy', 'committee'],
  'residence.manage': ['secretary', 'deputy'],
  'residence.view': ['secretary', 'deputy', 'committee'],
  // Summary (/tongket), its files and the scorecard; the roll-up of every cell is for bot admins (checked in SummaryService).
  'summary.view': ['secretary', 'deputy'],
};

export function can(actor: Actor, action: PrivilegedAction): boolean {
  const allowed = permissionTable[action];
  if (allowed === 'admin') return actor.isAdmin;
  return actor.status === 'active' && actor.role !== null && allowed.includes(actor.role);
}

/** Roles that run the cell day to day and receive its operational notices. */
export const leaderRoles: readonly Role[] = ['secretary', 'deputy'];
export const isLeader = (role: Role | null): boolean => role !== null && leaderRoles.includes(role);

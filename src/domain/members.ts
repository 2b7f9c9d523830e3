import type { MemberStatus, Role } from './roles.js';

export const memberships = ['full', 'probationary'] as const;
export type Membership = (typeof memberships)[number];

export const exemptionKinds = ['permanent', 'temporary'] as const;
export type ExemptionKind = (typeof exemptionKinds)[number];

export const attachments = ['regular', 'temporary'] as const;
export type Attachment = (typeof attachments)[number];

/** Review forms of Quy định 366-QĐ/TW: 2A ordinary, 2B leaders, 2C outside the political system. */
export const reviewForms = ['2A', '2B', '2C'] as const;
export type ReviewForm = (typeof reviewForms)[number];

/** Dues categories of Quy định 01-QĐ/TW (2026). */
export const duesCategories = ['insured', 'sick_leave', 'pensioner', 'student', 'other', 'abroad'] as const;
export type DuesCategory = (typeof duesCategories)[number];

export interface Exemption {
  kind: ExemptionKind;
  from: string; // ISO date (yyyy-mm-dd)
  to: string | null; // inclusive; null = open-ended
}

export interface MemberFacts {
  status: MemberStatus;
  role: Role;
  membership: Membership;
  attachment: Attachment;
  exemptions: readonly Exemption[];
}

/** ISO dates compare as strings, which keeps this free of time-zone arithmetic. */
export function exemptionOn(exemptions: readonly Exemption[], isoDate: string): Exemption | null {
  return exemptions.find((e) => e.from <= isoDate && (e.to === null || isoDate <= e.to)) ?? null;
}

/** Expected at a meeting on `isoDate`: active, not exempt that day, not attached elsewhere. */
export function isExpectedAttendee(m: MemberFacts, isoDate: string): boolean {
  return m.status === 'active' && m.attachment === 'regular' && exemptionOn(m.exemptions, isoDate) === null;
}

/** Checks an exemption before it is stored; returns an error code or null. */
export function checkExemption(e: Exemption): 'MEMBER.DATE_ORDER' | null {
  if (e.to !== null && e.to < e.from) return 'MEMBER.DATE_ORDER';
  return null;
}

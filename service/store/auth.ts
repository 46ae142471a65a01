import type { Dong } from '../../domain/index.ts';

export const roles = ['dong', 'district', 'analyst', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is asking: a token's identity and scope (never its secret). */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
  /** The dong a `dong` token is bound to (code). */
  dong: string | null;
  /** The district a `district` token is bound to (code). */
  district: string | null;
}

/** Whether the actor may write (and read the rows of) the given dong. */
export function canWriteDong(actor: Actor, dong: Pick<Dong, 'code' | 'district'>): boolean {
  switch (actor.role) {
    case 'dong':
      return actor.dong === dong.code;
    case 'district':
      return actor.district === dong.district;
    case 'admin':
      return true;
    default:
      return false;
  }
}

/** Whether the actor reads every row (true) or only its scope's rows. */
export function readsAll(actor: Actor): boolean {
  return actor.role === 'analyst' || actor.role === 'manager' || actor.role === 'admin';
}

/**
 * Whether the actor may write (and read) the rows of a unit above the dong: a district official its
 * own district's, a manager or administrator the city's (and an administrator any district's).
 */
export function canWriteUnit(actor: Actor, unit: { level: 'district' | 'city'; code: string }): boolean {
  if (actor.role === 'admin') return true;
  if (unit.level === 'district') return actor.role === 'district' && actor.district === unit.code;
  return actor.role === 'manager';
}

import { readerRoles, type Dong, type Role } from '../../domain/index.ts';

export { roles, type Role } from '../../domain/index.ts';

/** Who is asking: a token's identity and scope (never its secret). */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
  /** The dong a `dong` token is bound to (code). */
  dong: string | null;
  /** The district a `district` token is bound to (code). */
  district: string | null;
  /**
   * The city (시·도 code) the token is limited to: given for analysts, managers and admins made with
   * `--city`, and always the city of a dong's or district's token; null for a token of every city.
   */
  city: string | null;
}

/** Whether the actor's city limit lets it near a unit of `city`. */
const inCity = (actor: Actor, city: string | undefined) => actor.city === null || actor.city === city;

/** Whether the actor may write (and read the rows of) the given dong. */
export function canWriteDong(actor: Actor, dong: Pick<Dong, 'code' | 'district' | 'city'>): boolean {
  switch (actor.role) {
    case 'dong':
      return actor.dong === dong.code;
    case 'district':
      return actor.district === dong.district;
    case 'admin':
      return inCity(actor, dong.city);
    default:
      return false;
  }
}

/** Whether the actor reads every row of the service (true), or only its scope's rows. */
export function readsAll(actor: Actor): boolean {
  return readerRoles.includes(actor.role) && actor.city === null;
}

/** Whether the actor reads every row of one city (an analyst, manager or admin made with `--city`). */
export function readsCity(actor: Actor): actor is Actor & { city: string } {
  return readerRoles.includes(actor.role) && actor.city !== null;
}

/**
 * Whether the actor may write (and read) the rows of a unit above the dong: a district official its
 * own district's, a manager or administrator the city's (and an administrator any district's), each
 * within its city when it has one.
 */
export function canWriteUnit(actor: Actor, unit: { level: 'district' | 'city'; code: string; city: string }): boolean {
  if (!inCity(actor, unit.city)) return false;
  if (actor.role === 'admin') return true;
  if (unit.level === 'district') return actor.role === 'district' && actor.district === unit.code;
  return actor.role === 'manager';
}

/**
 * Who may do what (README, "Roles and tokens"): the roles a token has, in the order the pane and the
 * command line list them.
 */
export const roles = ['dong', 'district', 'analyst', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Roles that read every row of their city (or of every city, for a token without one). */
export const readerRoles: readonly Role[] = ['analyst', 'manager', 'admin'];

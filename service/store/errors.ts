import { errorMessages, type ErrorCode } from '../../domain/index.ts';

/** An error the caller should show as it is: a stable code with its Korean and English message. */
export class StoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(`${errorMessages[code].ko} ${errorMessages[code].en}${detail ? ` (${detail})` : ''}`);
  }
}

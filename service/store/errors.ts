import { errorMessages, type ErrorCode, type Message } from '../../domain/index.ts';

/**
 * An error the caller should show as it is: a stable code with its Korean and English message (or
 * `text`, where the code's own message would not be true: domain/messages.ts `errorCaseMessages`).
 */
export class StoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly text: Message = errorMessages[code],
  ) {
    super(`${text.ko} ${text.en}${detail ? ` (${detail})` : ''}`);
  }
}

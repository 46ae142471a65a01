import { createHash } from 'node:crypto';
import type { Kind } from '../../domain/index.ts';

/** A sync body as it came: its parsed value, and its bytes when they are its compact text (http/json-scan.ts `scanJson`). */
export interface SentBody {
  value: unknown;
  compactBytes?: Uint8Array;
}

/**
 * A batch's fingerprint, for telling a resend from another body under the same batchId: of its kind
 * and its body as JSON.stringify writes its value, so spacing, escapes and how numbers are written
 * do not count. When the body's bytes are that very text (`compactBytes`, http/json-scan.ts
 * `scanJson`: what a client's JSON.stringify sends), they are hashed as they came, a fraction of the
 * cost of writing the body out again.
 */
export function batchFingerprint(kind: Kind, sent: SentBody): string {
  const hash = createHash('sha256').update(`${kind}\u0000`);
  return (sent.compactBytes ? hash.update(sent.compactBytes) : hash.update(JSON.stringify(sent.value))).digest('hex');
}

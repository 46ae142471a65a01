import type { Kind, Reference } from '../../../domain/index.ts';
import type { JsonLimits } from '../../http/json-scan.ts';
import type { BodyRefusal, CheckedBody } from './batch.ts';

/** A body for the checker's thread: its bytes, the limits they are held to, the actor's city, and the reference when it changed. */
export interface CheckRequest {
  id: number;
  kind: Kind;
  bytes: Uint8Array;
  limits: Omit<JsonLimits, 'maxBytes'>;
  city: string | null;
  reference?: { version: number; data: Reference };
}

/** The checker's answer: the batch checked (against the reference of `version`), refused, or a failure of the thread's own. */
export type CheckReply = { id: number; checked: CheckedBody; version: number } | { id: number; refusal: BodyRefusal } | { id: number; error: string };

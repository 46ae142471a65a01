import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** Reads a JSON body (415 for anything else) and validates it, naming the first bad field. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw ApiError.of('not_json');
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw ApiError.of('invalid_body', { ko: 'JSON을 읽을 수 없습니다', en: 'unreadable JSON' });
  }
  return parseWith(schema, body);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join('.') || '(body)';
    throw ApiError.of('invalid_body', { ko: `${path}: 형식이 올바르지 않습니다`, en: `${path}: ${first?.message ?? ''}` });
  }
  return parsed.data;
}

import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';
import { parseJson, type JsonProblem } from './json-scan.ts';

export { scanJson, type JsonLimits, type JsonProblem, type JsonScan } from './json-scan.ts';

/** The routes that read a JSON body, each with its own limits. */
export type JsonRoute = 'sync' | 'query' | 'tokens' | 'reference';

const count = (n: number) => n.toLocaleString('en');

/** The refusal for a problem `scanJson` found: 413 for size, 422 for shape, 400 for broken JSON. */
export function refusal(problem: JsonProblem): ApiError {
  switch (problem.kind) {
    case 'depth':
      return ApiError.of('body_too_complex', { ko: `중첩은 ${count(problem.limit)}단계까지입니다`, en: `nesting deeper than ${count(problem.limit)}` });
    case 'items':
      return ApiError.of('body_too_complex', { ko: `한 배열·객체에 ${count(problem.limit)}개까지입니다`, en: `more than ${count(problem.limit)} items in one array or object` });
    case 'values':
      return ApiError.of('body_too_complex', { ko: `값은 모두 ${count(problem.limit)}개까지입니다`, en: `more than ${count(problem.limit)} values in all` });
    case 'string':
      return ApiError.of('body_too_large', { ko: `문자열 하나는 ${count(problem.limit)}자까지입니다`, en: `a string longer than ${count(problem.limit)} characters` });
    case 'syntax':
      return unreadable();
  }
}

export const unreadable = () => ApiError.of('invalid_body', { ko: 'JSON을 읽을 수 없습니다', en: 'unreadable JSON' });

/** A body whose field at `path` is not of its type (`message`: the schema's own words). */
export const invalidField = (path: string, message: string) => ApiError.of('invalid_body', { ko: `${path}: 형식이 올바르지 않습니다`, en: `${path}: ${message}` });

/**
 * Reads a JSON body (415 for anything else) within the route's limits (413/422 before anything is
 * parsed), then validates it, naming the first bad field.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, route: JsonRoute): Promise<z.infer<S>> {
  return parseWith(schema, (await readJsonBody(c, route)).value);
}

/** A JSON body read within the route's limits: its value, and its bytes when they are its compact text. */
export async function readJsonBody(c: Context, route: JsonRoute): Promise<{ value: unknown; compactBytes?: Uint8Array }> {
  const bytes = await readJsonBytes(c);
  const parsed = parseJson(bytes, c.get('limits').json[route]);
  if ('problem' in parsed) throw refusal(parsed.problem);
  return { value: parsed.value, compactBytes: parsed.compact ? bytes : undefined };
}

/** A JSON body's bytes as they came (415 for a body that is not JSON), counted as they arrived (the app's body limit for the route). */
export async function readJsonBytes(c: Context): Promise<Uint8Array> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw ApiError.of('not_json');
  return new Uint8Array(await c.req.arrayBuffer());
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalidField(first?.path.join('.') || '(body)', first?.message ?? '');
  }
  return parsed.data;
}

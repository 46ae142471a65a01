// The service's HTTP API as typed functions (contract: README, "The API"). Every failure becomes an
// ApiError with a stable code and a Korean and English message, ready to show.
import type { Message } from '../../domain/messages.ts';
import { comparisonNames, type ComparisonName } from '../../domain/metrics.ts';
import type { Kind } from '../../domain/sheets.ts';
import type { BatchStatus, MetaAnswer, MetaWho, PullAnswer, SyncAnswer, SyncBody } from '../../domain/contract.ts';
import { strings } from './i18n.ts';

export type { Message };

// /api/meta as the service sends it: the one shape in domain/contract.ts, never written again here.
export type Meta = MetaAnswer;
export type MetaColumn = MetaAnswer['kinds'][number]['columns'][number];
export type MetaDong = MetaAnswer['dongs'][number];
export type MetaExpectedMilestones = MetaAnswer['expectedMilestones'][number];
export type MetaMetric = MetaAnswer['metrics'][string];
export type MetaPhase = MetaAnswer['phases'][number];
export type { MetaWho };

/** The rows behind one comparison row (GET /api/compare/:name/rows). */
export interface DrillRequest {
  dong: string;
  phase: number;
  category?: string;
  /** For `phases` and `summary`: the headline figure (domain/metrics.ts headlineFigures). */
  figure?: string;
}

export interface DrillResult {
  kind: Kind;
  columns: { name: string; type?: string }[];
  rows: Record<string, unknown>[];
}

/** The Arrow IPC stream the service sends for `Accept: application/vnd.apache.arrow.stream`. */
export const arrowType = 'application/vnd.apache.arrow.stream';

export type CompareName = ComparisonName;
/** The comparisons the pane offers (domain/metrics.ts): the summary and the phases first, then the rest in their order. */
export const compareNames: readonly CompareName[] = ['summary', 'phases', ...comparisonNames.filter((n) => n !== 'summary' && n !== 'phases')];

export interface CompareFilters {
  phase?: number | string;
  district?: string;
  dong?: string;
  cohort?: number | string;
  city?: string;
}

/** A comparison row: city, district, dong (code), dongName, cohort, phase and the figures of README "Comparisons". */
export type CompareRow = Record<string, unknown> & {
  city?: string;
  district?: string;
  dong?: string;
  dongName?: string;
  cohort?: number | null;
  phase?: number | null;
  /** The figure rests on illustrative data (a population or plan date marked 예시). */
  illustrative?: boolean;
};

export interface QueryResult {
  columns: (string | { name: string; type?: string })[];
  rows: (unknown[] | Record<string, unknown>)[];
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly text: Message;

  constructor(code: string, status: number, text: Message) {
    super(text.ko);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.text = text;
  }
}

const isMessage = (m: unknown): m is Message => typeof m === 'object' && m !== null && typeof (m as Message).ko === 'string' && typeof (m as Message).en === 'string';

/** Reads the service's `{ error: { code, message: { ko, en } } }`, or says what went wrong instead. */
async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && isMessage(error.message)) return new ApiError(error.code, response.status, error.message);
  return new ApiError('unexpected_response', response.status, {
    ko: strings.ko.errorUnexpected(response.status),
    en: strings.en.errorUnexpected(response.status),
  });
}

/** One view of the analytic views (GET /api/query/views). */
export interface AnalystView {
  name: string;
  label: { ko: string; en: string };
  columns: { name: string; type: string; label?: { ko: string; en: string } }[];
}

export interface ApiClientOptions {
  token: string;
  /** Where the service is; the page's own origin by default (the service serves the task pane). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  return search.size ? `?${search}` : '';
}

export class ApiClient {
  readonly #token: string;
  readonly #base: string;
  readonly #fetch: typeof fetch;

  constructor({ token, baseUrl = '', fetch: fetchFn = globalThis.fetch.bind(globalThis) }: ApiClientOptions) {
    this.#token = token;
    this.#base = baseUrl.replace(/\/$/, '');
    this.#fetch = fetchFn;
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown, accept = 'application/json', extra: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: accept, Authorization: `Bearer ${this.#token}`, ...extra };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError('network', 0, { ko: strings.ko.errorNetwork, en: strings.en.errorNetwork });
    }
    if (!response.ok) throw await errorFrom(response);
    try {
      return (accept === arrowType ? await response.arrayBuffer() : await response.json()) as T;
    } catch {
      throw new ApiError('unexpected_response', response.status, {
        ko: strings.ko.errorUnexpected(response.status),
        en: strings.en.errorUnexpected(response.status),
      });
    }
  }

  /**
   * `POST /api/import` (multipart): an .xlsx or .csv, with the kind, the headers mapped by hand and
   * dryRun; answers the import report (as `jachi import --dry-run --json` prints it).
   */
  async importFile<T>(file: Blob, name: string, fields: { kind?: string; map?: Record<string, string>; dryRun: boolean }): Promise<T> {
    const form = new FormData();
    form.set('file', file, name);
    if (fields.kind) form.set('kind', fields.kind);
    if (fields.map && Object.keys(fields.map).length > 0) form.set('map', JSON.stringify(fields.map));
    form.set('dryRun', String(fields.dryRun));
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}/api/import`, { method: 'POST', headers: { Accept: 'application/json', Authorization: `Bearer ${this.#token}` }, body: form });
    } catch {
      throw new ApiError('network', 0, { ko: strings.ko.errorNetwork, en: strings.en.errorNetwork });
    }
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as T;
  }

  health(): Promise<{ status: string }> {
    return this.#request('GET', '/health');
  }

  meta(): Promise<Meta> {
    return this.#request('GET', '/meta');
  }

  compare(name: CompareName, filters: CompareFilters = {}): Promise<{ rows: CompareRow[]; columns?: { name: string; type?: string }[] }> {
    return this.#request('GET', `/compare/${encodeURIComponent(name)}${queryString({ ...filters })}`);
  }

  /** The same comparison as Arrow IPC bytes (for inserting large results into a sheet). */
  compareArrow(name: CompareName, filters: CompareFilters = {}): Promise<ArrayBuffer> {
    return this.#request('GET', `/compare/${encodeURIComponent(name)}${queryString({ ...filters })}`, undefined, arrowType);
  }

  /** The rows behind one figure of a comparison row. */
  drill(name: CompareName, request: DrillRequest): Promise<DrillResult> {
    return this.#request('GET', `/compare/${encodeURIComponent(name)}/rows${queryString({ ...request })}`);
  }

  query(sql: string, limit?: number): Promise<QueryResult> {
    return this.#request('POST', '/query', limit === undefined ? { sql } : { sql, limit });
  }

  /** The views analyst SQL reads and their columns (name, type, label), for the schema panel. */
  views(): Promise<{ views: AnalystView[] }> {
    return this.#request('GET', '/query/views');
  }

  queryArrow(sql: string, limit?: number): Promise<ArrayBuffer> {
    return this.#request('POST', '/query', limit === undefined ? { sql } : { sql, limit }, arrowType);
  }

  rows(kind: Kind, since?: number): Promise<PullAnswer> {
    return this.#request('GET', `/rows/${kind}${since === undefined ? '' : `?since=${since}`}`);
  }

  /** What became of a batch whose answer never came (applied, pending, failed or unknown). */
  batchStatus(batchId: string): Promise<BatchStatus> {
    return this.#request('GET', `/batches/${encodeURIComponent(batchId)}`);
  }

  /** Pushes a batch; `workbook` names the file the rows come from (kept as each row's source). */
  sync(kind: Kind, request: SyncBody, workbook?: string): Promise<SyncAnswer> {
    // Header values are Latin-1: a Korean file name travels percent-encoded.
    const extra: Record<string, string> = workbook ? { 'X-Jachi-Workbook': encodeURIComponent(workbook) } : {};
    return this.#request('POST', `/sync/${kind}`, request, 'application/json', extra);
  }
}

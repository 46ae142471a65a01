/** Every message that reaches a user: a stable code, Korean first, English too. */
export interface Message {
  ko: string;
  en: string;
}

export interface Issue {
  field: string;
  code: string;
  message: Message;
}

export interface FieldLabel {
  header: string;
  label: string;
}

type Template = (f: FieldLabel, value: string) => Message;

/**
 * Number formats made once: `toLocaleString` builds a new Intl.NumberFormat on every call, tens of
 * microseconds each, and a batch's warnings format thousands of numbers.
 */
const formats = {
  ko: new Intl.NumberFormat('ko-KR'),
  en: new Intl.NumberFormat('en-US'),
  koMillion: new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 1 }),
  enMillion: new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }),
};
const ko = (n: number) => formats.ko.format(n);
const en = (n: number) => formats.en.format(n);

/** Won in 백만원 (million won), as the city's reports write budgets: 352백만원, 12.5백만원. */
export function millionWon(won: number, locale: 'ko' | 'en' = 'ko'): string {
  const m = won / 1_000_000;
  const text = (locale === 'ko' ? formats.koMillion : formats.enMillion).format(m);
  return locale === 'ko' ? `${text}백만원` : `KRW ${text} million`;
}

const show = (value: string) => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Row rule messages, keyed by their stable code. */
export const rowMessages = {
  required: (f) => ({ ko: `${f.header}: 필수 항목입니다. 값을 입력하세요.`, en: `${f.label}: required; enter a value.` }),
  unknown_field: (f) => ({ ko: `'${f.header}'은(는) 알 수 없는 항목입니다.`, en: `'${f.label}' is not a known field.` }),
  service_owned: (f) => ({
    ko: `'${f.header}'은(는) 서비스가 정하는 항목이라 보낼 수 없습니다.`,
    en: `'${f.label}' is set by the service and cannot be sent.`,
  }),
  not_text: (f, v) => ({ ko: `${f.header}: 글자여야 합니다 (${show(v)}).`, en: `${f.label}: must be text (${show(v)}).` }),
  too_long: (f) => ({ ko: `${f.header}: 1,000자를 넘을 수 없습니다.`, en: `${f.label}: at most 1,000 characters.` }),
  not_number: (f, v) => ({ ko: `${f.header}: 숫자가 아닙니다 (${show(v)}).`, en: `${f.label}: not a number (${show(v)}).` }),
  not_whole: (f, v) => ({ ko: `${f.header}: 정수여야 합니다 (${show(v)}).`, en: `${f.label}: must be a whole number (${show(v)}).` }),
  negative: (f, v) => ({ ko: `${f.header}: 음수일 수 없습니다 (${show(v)}).`, en: `${f.label}: cannot be negative (${show(v)}).` }),
  too_large: (f, v) => ({
    ko: `${f.header}: 값이 너무 큽니다 (${show(v)}). 한 칸에 1조(1,000,000,000,000)까지 받습니다. 단위(천원·백만원)를 확인하세요.`,
    en: `${f.label}: value too large (${show(v)}); at most 10^12 per cell. Check the unit (thousand or million won).`,
  }),
  out_of_range: (f, v) => ({ ko: `${f.header}: 0에서 100 사이여야 합니다 (${show(v)}).`, en: `${f.label}: must be between 0 and 100 (${show(v)}).` }),
  invalid_year: (f, v) => ({ ko: `${f.header}: 연도가 아닙니다 (${show(v)}).`, en: `${f.label}: not a year (${show(v)}).` }),
  invalid_date: (f, v) => ({
    ko: `${f.header}: 날짜가 아닙니다 (${show(v)}). 2019-05-30 형식으로 입력하세요.`,
    en: `${f.label}: not a date (${show(v)}); use the form 2019-05-30.`,
  }),
  not_boolean: (f, v) => ({ ko: `${f.header}: 예/아니오 값이어야 합니다 (${show(v)}).`, en: `${f.label}: must be yes or no (${show(v)}).` }),
  unknown_code: (f, v) => ({
    ko: `${f.header}: '${show(v)}'은(는) 목록에 없는 값입니다. 목록에서 고르세요.`,
    en: `${f.label}: '${show(v)}' is not in the list; pick a listed value.`,
  }),
  unknown_phase: (f, v) => ({ ko: `${f.header}: '${show(v)}'단계는 없습니다.`, en: `${f.label}: there is no phase '${show(v)}'.` }),
  unknown_dong: (f, v) => ({ ko: `${f.header}: '${show(v)}'은(는) 등록되지 않은 동입니다.`, en: `${f.label}: '${show(v)}' is not a registered dong.` }),
  ambiguous_dong: (f, v) => ({
    ko: `${f.header}: '${show(v)}'은(는) 여러 구나 시·도에 있는 이름입니다. 구와 시·도를 붙이거나('대전 서구 갈마1동') 10자리 행정동 코드를 쓰세요.`,
    en: `${f.label}: '${show(v)}' names dongs in several districts or cities; add them ('대전 서구 갈마1동') or use the 10-digit 행정동 code.`,
  }),
  forbidden_dong: (f, v) => ({
    ko: `${f.header}: '${show(v)}'의 자료를 쓸 권한이 없습니다.`,
    en: `${f.label}: this token may not write rows of '${show(v)}'.`,
  }),
  new_over_participants: (f, v) => ({
    ko: `${f.header}: 신규참여(${show(v)})가 참여인원보다 많을 수 없습니다.`,
    en: `${f.label}: new participants (${show(v)}) cannot exceed participants.`,
  }),
  done_without_date: (f) => ({ ko: `${f.header}: 상태가 '완료'이면 완료일을 입력해야 합니다.`, en: `${f.label}: a milestone marked done needs its completion date.` }),
  done_under_100: (f, v) => ({
    ko: `${f.header}: 상태가 '완료'이면 진척률은 100이어야 합니다 (${show(v)}).`,
    en: `${f.label}: a milestone marked done must be at 100 (${show(v)}).`,
  }),
  date_without_done: (f) => ({
    ko: `${f.header}: 완료일이 있으면 상태는 '완료'여야 합니다.`,
    en: `${f.label}: a completion date needs the status 완료 (done).`,
  }),
  over_budget: (f, v) => ({
    ko: `${f.header}: 집행액·이월액·반납액의 합(${ko(Number(v))}원)이 예산액을 넘습니다.`,
    en: `${f.label}: executed, carried over and returned together (KRW ${en(Number(v))}) exceed the budget.`,
  }),
  outside_phase: (f, v) => ({
    ko: `${f.header}: ${show(v)}은(는) 해당 단계 기간 밖입니다 (이월이면 그대로 두세요).`,
    en: `${f.label}: ${show(v)} is outside the phase's period (fine if carried over).`,
  }),
  import_conflict: (f, v) => ({
    ko: `${f.header}: 이 행은 다른 곳에서 바뀌어(${show(v)}) 덮어쓰지 않았습니다. 추가 기능에서 확인하세요.`,
    en: `${f.label}: this row was changed elsewhere (${show(v)}), so it was not overwritten; check it in the add-in.`,
  }),
  online_over_voters: (f, v) => ({
    ko: `${f.header}: 온라인·사전 투표자(${show(v)})가 투표자 수보다 많을 수 없습니다 (투표자 수가 비어 있으면 채우세요).`,
    en: `${f.label}: voters online or early (${show(v)}) cannot exceed the voters (fill in the voters if blank).`,
  }),
  before_joined: (f, v) => {
    const [name, joined] = v.split('|');
    return {
      ko: `${f.header}: ${name}은(는) ${joined}단계에 시범사업에 합류했습니다. 그 전 단계의 행인지 확인하세요.`,
      en: `${f.label}: ${name} joined the pilot in phase ${joined}; check this row of an earlier phase.`,
    };
  },
  over_population: (f, v) => {
    const [n = 0, population = 0] = v.split('|').map(Number);
    return {
      ko: `${f.header}: ${ko(n)}명이 동 인구 ${ko(population)}명보다 많습니다. 값을 확인하세요.`,
      en: `${f.label}: ${en(n)} is more than the dong's population of ${en(population)}; check the value.`,
    };
  },
  over_allocation: (f, v) => {
    const [name = '', year = '', total = '0', allocation = '0'] = v.split('|');
    return {
      ko: `${f.header}: ${name} ${year} 예산 합계 ${millionWon(Number(total))}이 배정액 ${millionWon(Number(allocation))}을 넘습니다.`,
      en: `${f.label}: ${name}'s ${year} budget lines add up to ${millionWon(Number(total), 'en')}, over its allocation of ${millionWon(Number(allocation), 'en')}.`,
    };
  },
  likely_duplicate: (f, v) => {
    const [category = '', item = '', budget = '0', rowId = ''] = v.split('|');
    const what = `${category}${item ? ` '${show(item)}'` : ''} ${ko(Number(budget))}원`;
    return {
      ko: `${f.header}: 같은 동·연도·비목·세부내역·예산액의 행(${what}, 행ID ${rowId.slice(0, 8)})이 이미 있습니다. 중복이면 한 행을 지우세요.`,
      en: `${f.label}: a line with the same dong, year, category, item and budget (${what}, row id ${rowId.slice(0, 8)}) already exists; delete one if it is a duplicate.`,
    };
  },
  adopted_not_adopted: (f) => ({
    ko: `${f.header}: 상태가 '가결'인데 가결이 '아니오'입니다. 둘 중 하나를 고치세요.`,
    en: `${f.label}: the status is 가결 (adopted) but adopted says no; fix one of them.`,
  }),
  over_members: (f, v) => ({
    ko: `${f.header}: ${show(v)}명이 위원 수보다 많을 수 없습니다.`,
    en: `${f.label}: ${show(v)} cannot exceed the members.`,
  }),
  members_over_seats: (f, v) => ({
    ko: `${f.header}: 위원 수(${show(v)})가 정원보다 많을 수 없습니다.`,
    en: `${f.label}: the members (${show(v)}) cannot exceed the seats.`,
  }),
  votes_over_voters: (f, v) => {
    const [votes = 0, voters = 0] = v.split('|').map(Number);
    const [, , name = '', date = ''] = v.split('|');
    return {
      ko: `${f.header}: 찬성·반대 합계 ${ko(votes)}표가 ${name} 주민총회(${date}) 투표자 수 ${ko(voters)}명보다 많습니다. 찬반 수나 주민참여 시트의 투표자 수를 확인하세요.`,
      en: `${f.label}: votes for and against (${en(votes)}) exceed the ${en(voters)} voters recorded at ${name}'s assembly of ${date}; check the votes, or the voters on the participation sheet.`,
    };
  },
  agenda_not_in_plan: (f, v) => {
    const [agenda = '', name = '', year = ''] = v.split('|');
    return {
      ko: `${f.header}: '${show(agenda)}'은(는) ${name}의 ${year}년 자치계획에 없는 의제입니다. 자치계획 시트의 의제명과 똑같이 쓰거나, 의제를 자치계획에 먼저 넣으세요.`,
      en: `${f.label}: '${show(agenda)}' is not an agenda of ${name}'s ${year} 자치계획; write the title as on the agendas sheet, or add the agenda to the plan first.`,
    };
  },
  completed_late: (f, v) => ({ ko: `${f.header}: 계획일보다 늦게 완료되었습니다 (${show(v)}).`, en: `${f.label}: completed after its planned date (${show(v)}).` }),
} satisfies Record<string, Template>;

export type RowMessageCode = keyof typeof rowMessages;

/**
 * The codes whose message is made from what the rule found (a dong's name and joining phase, a
 * population, an allocation, another row…), joined by '|', not from the cell's own value: a
 * workbook's report says them again in the sheet's own header with that value, never with the
 * cell's (domain/normalise/sheet.ts).
 */
export const ruleValueCodes: ReadonlySet<RowMessageCode> = new Set([
  'before_joined',
  'over_population',
  'over_allocation',
  'likely_duplicate',
  'votes_over_voters',
  'agenda_not_in_plan',
]);

/** The value each issue's message was made from (as shown), beside the issue rather than in it (its JSON is the API's). */
const issueValues = new WeakMap<Issue, string>();

/** The value an issue's message was made from, as shown; undefined for an issue not made by rowIssue. */
export const issueValue = (issue: Issue): string | undefined => issueValues.get(issue);

/**
 * Issues already made, by field, code and value: the same warning on many rows (a dong-year's
 * over-allocation, a date outside the phase) is formatted once and is one object, whose JSON the
 * sync answer writes once (service/store/answer-json.ts). Frozen, since rows share them.
 */
const madeIssues = new Map<string, Issue>();
/** At most this many kept (a few megabytes), each of a key this short: a long value a client sent is not kept. */
const maxMadeIssues = 5_000;
const maxIssueKey = 300;

export function rowIssue(field: FieldLabel & { field: string }, code: RowMessageCode, value: unknown = ''): Issue {
  const shown = displayValue(value);
  const key = `${field.field}\u0000${field.header}\u0000${field.label}\u0000${code}\u0000${shown}`;
  const made = madeIssues.get(key);
  if (made) return made;
  const issue = Object.freeze({ field: field.field, code, message: Object.freeze(rowMessages[code](field, shown)) });
  issueValues.set(issue, shown);
  if (key.length <= maxIssueKey) {
    if (madeIssues.size >= maxMadeIssues) madeIssues.clear();
    madeIssues.set(key, issue);
  }
  return issue;
}

export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Request-level errors (the `{ error: { code, message } }` body). */
export const errorMessages = {
  unauthorized: { ko: '토큰이 없거나 올바르지 않습니다. 토큰을 확인하세요.', en: 'Missing or invalid token.' },
  token_expired: { ko: '토큰이 만료되었습니다. 관리자에게 새 토큰을 요청하세요.', en: 'The token has expired; ask an administrator for a new one.' },
  forbidden: { ko: '이 작업을 할 권한이 없습니다.', en: 'This token may not do that.' },
  not_found: { ko: '찾을 수 없습니다.', en: 'Not found.' },
  unknown_kind: {
    ko: '알 수 없는 자료 종류입니다 (spending, participation, progress, agendas, council).',
    en: 'Unknown kind (spending, participation, progress, agendas, council).',
  },
  invalid_input: { ko: '입력이 올바르지 않습니다.', en: 'Invalid input.' },
  invalid_body: { ko: '요청 본문이 올바르지 않습니다.', en: 'The request body is not valid.' },
  not_json: { ko: '본문은 JSON(application/json)이어야 합니다.', en: 'The body must be JSON (application/json).' },
  body_too_large: { ko: '요청 본문이 너무 큽니다.', en: 'The request body is too large.' },
  body_too_complex: {
    ko: '요청 본문의 값이 너무 많거나 너무 깊이 중첩되어 읽지 않았습니다.',
    en: 'The request body holds too many values or nests too deeply, so it was not read.',
  },
  batch_too_large: { ko: '한 번에 5,000행까지 보낼 수 있습니다. 나누어 보내세요.', en: 'At most 5,000 rows per batch; split it.' },
  batch_reused: {
    ko: '같은 batchId로 다른 내용을 보냈습니다. 새 batchId를 쓰세요.',
    en: 'This batchId was already used with another body; use a new batchId.',
  },
  duplicate_row: { ko: '한 배치에 같은 rowId가 두 번 있습니다.', en: 'The same rowId appears twice in one batch.' },
  batch_failed: {
    ko: '저장 중 오류가 나서 아무것도 저장하지 않았습니다. 다시 시도하세요.',
    en: 'Storing failed, so nothing was stored; try again.',
  },
  invalid_since: { ko: 'since는 0 이상의 정수여야 합니다.', en: 'since must be a whole number ≥ 0.' },
  rate_limited: {
    ko: '요청이 너무 잦습니다. 잠시 기다렸다가 다시 보내세요.',
    en: 'Too many requests for this token; wait the seconds in the Retry-After header and send again.',
  },
  request_timeout: {
    ko: '요청이 시간 제한을 넘었습니다. 잠시 뒤 다시 시도하세요. 동기화 배치는 저장되었는지 GET /api/batches/{batchId}로 먼저 확인할 수 있습니다.',
    en: 'The request took longer than the time limit. For a sync batch, ask GET /api/batches/{batchId} for its outcome before sending it again.',
  },
  backup_failed: {
    ko: '백업을 만들지 못했습니다. 아무 파일도 남기지 않았습니다. 백업 폴더의 공간과 권한을 확인하세요.',
    en: 'The backup failed and left no file; check the backup folder’s space and permissions.',
  },
  internal: { ko: '서버 오류가 발생했습니다.', en: 'Internal server error.' },
} satisfies Record<string, Message>;

export type ErrorCode = keyof typeof errorMessages;

/** A code's message in a case its own message would not tell truly (the code, and so the status, stay the same). */
export const errorCaseMessages = {
  /** batch_failed after COMMIT, the batch not read back: whether it was stored is not known. */
  batch_unconfirmed: {
    ko: '저장 중 오류가 나서 저장되었는지 확인하지 못했습니다. 다시 동기화하세요. 이미 저장되었다면 그 결과를 받고, 저장되지 않았다면 이번에 저장됩니다. (API: 같은 batchId로 다시 보내거나 GET /api/batches/{batchId}로 먼저 확인하세요.)',
    en: 'Storing failed before the batch could be confirmed, so whether it was stored is not known. Send the same batch again: if it was stored you get its answer, if not it is stored now (GET /api/batches/{batchId} tells which first).',
  },
} satisfies Record<string, Message>;

// 파일 올리기: an official without the add-in (Hancom Office, an Excel that cannot load add-ins, a
// network that blocks them) drops an .xlsx or .csv, sees how its headers were read and the report
// of every cell (as `jachi import --dry-run`), maps what is unknown, and stores it. Nothing is
// stored until 저장; a mapping changed after the preview is previewed again first.
import { ApiError } from '../api.ts';
import type { Locale } from '../i18n.ts';
import { h, uid } from '../ui/dom.ts';
import type { MountView, ViewContext } from './context.ts';
import { acceptedRows, mapEntry, mappedColumns, type Issue, type Message, type Report, type SheetReport } from './upload-model.ts';

const text = {
  ko: {
    title: '파일 올리기 (추가 기능 없이)',
    hint: '한셀이나 추가 기능을 쓸 수 없는 엑셀에서 저장한 .xlsx 또는 .csv(UTF-8, CP949) 파일을 끌어 놓거나 고르세요. 먼저 미리보기로 어떻게 읽히는지 확인한 뒤 저장합니다.',
    file: '파일 (.xlsx, .csv)',
    drop: '여기에 파일을 끌어 놓으세요',
    kind: '자료 종류',
    auto: '머리글로 판단',
    preview: '미리보기',
    store: '저장',
    reading: '읽는 중…',
    noFile: '먼저 파일을 고르세요.',
    columns: '열 지정',
    column: '열',
    header: '머리글',
    field: '항목',
    ignore: '읽지 않음',
    counts: (c: SheetReport['counts']) => `가져올 행 ${c.accepted} · 거부 ${c.rejected} · 건너뜀 ${c.skipped}`,
    encoding: (e: string) => `CSV 인코딩: ${e === 'euc-kr' ? 'CP949(EUC-KR)' : e.toUpperCase()}`,
    rejected: '거부된 셀',
    warnings: '경고',
    stale: '열 지정을 바꾸었습니다. 저장하기 전에 다시 미리보기하세요.',
    stored: (n: number) => `${n}행을 저장했습니다. 추가 기능의 동기화로도 받을 수 있습니다.`,
    nothing: '저장할 행이 없습니다.',
  },
  en: {
    title: 'Upload a file (without the add-in)',
    hint: 'Drop or choose an .xlsx or .csv (UTF-8, CP949) saved from Hancom Office or an Excel that cannot load add-ins. Preview how it reads first, then store it.',
    file: 'File (.xlsx, .csv)',
    drop: 'Drop a file here',
    kind: 'Kind of data',
    auto: 'From the headers',
    preview: 'Preview',
    store: 'Store',
    reading: 'Reading…',
    noFile: 'Choose a file first.',
    columns: 'Columns',
    column: 'Column',
    header: 'Header',
    field: 'Field',
    ignore: 'Not read',
    counts: (c: SheetReport['counts']) => `rows to import ${c.accepted} · refused ${c.rejected} · skipped ${c.skipped}`,
    encoding: (e: string) => `CSV encoding: ${e === 'euc-kr' ? 'CP949 (EUC-KR)' : e.toUpperCase()}`,
    rejected: 'Refused cells',
    warnings: 'Warnings',
    stale: 'The column mapping changed: preview again before storing.',
    stored: (n: number) => `Stored ${n} rows; they sync with the add-in like any others.`,
    nothing: 'No rows to store.',
  },
} satisfies Record<Locale, Record<string, unknown>>;

type UploadText = (typeof text)[keyof typeof text];

/** The header as read: each column with the field it became, a select to change it; `changed` is told of a change. */
function mappingTable(
  s: UploadText,
  sheet: SheetReport,
  fields: readonly { field: string; header: string; required: boolean }[],
  map: Record<string, string>,
  changed: () => void,
): HTMLElement | null {
  if (!sheet.header || !sheet.kind) return null;
  const rows = mappedColumns(sheet, map).map((c) => {
    const id = uid('map');
    const select = h(
      'select',
      { id, 'aria-label': `${c.column} ${c.header}` },
      h('option', { value: '' }, s.ignore),
      ...fields.map((f) => h('option', { value: f.field }, `${f.header}${f.required ? ' *' : ''}`)),
    );
    select.value = c.field;
    select.addEventListener('change', () => {
      map[c.header] = mapEntry(select.value);
      changed();
    });
    return h('tr', {}, h('td', {}, c.column), h('td', {}, h('label', { for: id }, c.header)), h('td', {}, select));
  });
  return h(
    'table',
    { class: 'data', 'data-testid': 'upload-mapping' },
    h('caption', {}, s.columns),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.column), h('th', { scope: 'col' }, s.header), h('th', { scope: 'col' }, s.field))),
    h('tbody', {}, ...rows),
  );
}

/** The report: the CSV's encoding, then per sheet its error or its mapping, counts, refused cells and warnings. */
function reportView(ctx: ViewContext, report: Report, mapping: (sheet: SheetReport) => HTMLElement | null): HTMLElement[] {
  const s = text[ctx.locale];
  const say = (m: Message) => m[ctx.locale];
  const issues = (title: string, list: Issue[], testid: string) =>
    list.length === 0
      ? null
      : h('div', { 'data-testid': testid }, h('h4', {}, title), h('ul', {}, ...list.slice(0, 200).map((i) => h('li', {}, `${i.column}${i.row}: ${say(i.message)}`))));
  return [
    ...(report.encoding ? [h('p', { class: 'muted' }, s.encoding(report.encoding))] : []),
    ...report.sheets.map((sheet) =>
      h(
        'section',
        { class: 'card', 'data-testid': 'upload-sheet' },
        h('h3', {}, sheet.sheet),
        sheet.error ? h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert', 'data-testid': 'sheet-error' }, say(sheet.error.message)) : null,
        mapping(sheet),
        sheet.error ? null : h('p', { 'data-testid': 'upload-counts' }, s.counts(sheet.counts)),
        issues(s.rejected, sheet.rejected, 'upload-rejected'),
        issues(s.warnings, sheet.warnings, 'upload-warnings'),
      ),
    ),
  ];
}

/** The drop zone and the file field; `choose` is told of the file dropped or chosen. */
function filePicker(s: UploadText, choose: (file: File | undefined) => void): HTMLElement[] {
  const fileId = uid('upload-file');
  const input = h('input', { id: fileId, type: 'file', accept: '.xlsx,.csv,text/csv' });
  const zone = h('div', { class: 'drop-zone card', 'data-testid': 'drop-zone' }, s.drop);
  input.addEventListener('change', () => choose(input.files?.[0]));
  zone.addEventListener('dragover', (e) => e.preventDefault());
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    choose((e as DragEvent).dataTransfer?.files?.[0]);
  });
  return [zone, h('div', { class: 'field' }, h('label', { for: fileId }, s.file), input)];
}

export const mountUploadView: MountView = (el, ctx) => {
  const s = text[ctx.locale];
  let file: File | undefined;
  /** Headers mapped by hand, sent as the import's `map`. */
  const map: Record<string, string> = {};
  let previewed = false;

  const kindId = uid('upload-kind');
  const kindSelect = h('select', { id: kindId }, h('option', { value: '' }, s.auto), ...ctx.meta.kinds.map((k) => h('option', { value: k.kind }, k.sheet)));
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'upload-status' });
  const result = h('div', { 'data-testid': 'upload-report' });
  const previewButton = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void send(true) }, s.preview);
  const storeButton = h('fluent-button', { role: 'button', disabled: true, onclick: () => void send(false) }, s.store);

  const choose = (f: File | undefined) => {
    file = f;
    previewed = false;
    for (const k of Object.keys(map)) delete map[k];
    storeButton.setAttribute('disabled', '');
    result.replaceChildren();
    status.replaceChildren(f ? h('p', {}, f.name) : '');
  };
  const picker = filePicker(s, choose);
  kindSelect.addEventListener('change', () => {
    previewed = false;
    storeButton.setAttribute('disabled', '');
  });

  const fieldsOf = (kind: string | null) => ctx.meta.kinds.find((k) => k.kind === kind)?.columns ?? [];
  const remapped = () => {
    previewed = false;
    storeButton.setAttribute('disabled', '');
    status.replaceChildren(h('fluent-message-bar', { intent: 'warning', class: 'notice' }, s.stale));
  };
  const draw = (report: Report) => result.replaceChildren(...reportView(ctx, report, (sheet) => mappingTable(s, sheet, fieldsOf(sheet.kind), map, remapped)));

  const send = async (dryRun: boolean) => {
    if (!file) {
      status.replaceChildren(h('fluent-message-bar', { intent: 'warning', class: 'notice', role: 'alert' }, s.noFile));
      return;
    }
    if (!dryRun && !previewed) return;
    previewButton.setAttribute('disabled', '');
    storeButton.setAttribute('disabled', '');
    status.replaceChildren(h('p', { role: 'status' }, s.reading));
    try {
      const report = await ctx.api.importFile<Report>(file, file.name, { kind: kindSelect.value || undefined, map, dryRun });
      draw(report);
      const accepted = acceptedRows(report);
      if (dryRun) {
        previewed = true;
        status.replaceChildren();
        if (accepted > 0) storeButton.removeAttribute('disabled');
      } else {
        previewed = false;
        status.replaceChildren(
          h(
            'fluent-message-bar',
            { intent: accepted > 0 ? 'success' : 'warning', class: 'notice', role: 'status', 'data-testid': 'upload-stored' },
            accepted > 0 ? s.stored(accepted) : s.nothing,
          ),
        );
      }
    } catch (error) {
      const message = error instanceof ApiError ? error.text[ctx.locale] : String(error);
      status.replaceChildren(h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert', 'data-testid': 'upload-error' }, message));
    } finally {
      previewButton.removeAttribute('disabled');
    }
  };

  el.replaceChildren(
    h(
      'div',
      { class: 'card' },
      h('h2', {}, s.title),
      h('p', { class: 'muted' }, s.hint),
      ...picker,
      h('div', { class: 'field' }, h('label', { for: kindId }, s.kind), kindSelect),
      h('div', { class: 'actions' }, previewButton, storeButton),
      status,
    ),
    result,
  );
};

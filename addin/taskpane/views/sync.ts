// 동기화: inside Excel, prepare the tables (templates or adopt), sync them with the service, and show
// what the service refused (clicking an entry selects its cell), conflicts with both values, rows gone
// from the table offered as deletes, and whether the pane is offline with batches waiting.
// In a plain browser it says that syncing needs Excel. What it shows is worked out in sync-model.ts.
import { crossKindOrder } from '../../../domain/rules.ts';
import { kinds, type Kind } from '../../../domain/sheets.ts';
import { createExcelLayer } from '../../excel/index.ts';
import type { Conflict } from '../../sync/index.ts';
import { describeScope, scopeOfRows } from '../../sync/scope.ts';
import { workbookMemory, type WorkbookMemory } from '../../sync/state-store.ts';
import {
  createSyncWorkflow,
  SyncUiError,
  type AdoptionProposal,
  type KindOutcome,
  type Offers,
  type ProgressInfo,
  type ResultItem,
  type SyncWorkflow,
} from '../../sync/workflow.ts';
import { syncStrings } from '../i18n.ts';
import { h, uid } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
import { errorText } from './results.ts';
import { conflictFields, connectionModel, deleteModel, progressModel, resultsModel, syncNames, syncTotals, type SyncNames } from './sync-model.ts';

type SyncStrings = (typeof syncStrings)[keyof typeof syncStrings];

/** The view's parts and state, shared by the functions below. */
interface SyncView {
  el: HTMLElement;
  ctx: ViewContext;
  s: SyncStrings;
  names: SyncNames;
  workflow?: SyncWorkflow;
  memory?: Promise<WorkbookMemory>;
  busy: boolean;
  outcomes: Map<Kind, KindOutcome>;
  conflicts: Map<Kind, Conflict[]>;
  /** Rows the service has that the tables do not, per kind, from the last sync or pull. */
  offers: Map<Kind, Offers>;
  live: HTMLElement;
  alerts: HTMLElement;
  connection: HTMLElement;
  adoptSlot: HTMLElement;
  kindSelect: HTMLSelectElement;
  progress: HTMLProgressElement;
  progressText: HTMLElement;
  resultsSlot: HTMLElement;
  conflictsSlot: HTMLElement;
  deletesSlot: HTMLElement;
  offersSlot: HTMLElement;
  buttons: HTMLElement[];
}

export function mountSyncView(el: HTMLElement, ctx: ViewContext): () => void {
  const s = syncStrings[ctx.locale];
  if (!ctx.host.excel) {
    el.replaceChildren(h('fluent-message-bar', { intent: 'info', class: 'notice' }, ctx.t.syncNeedsExcel), h('p', { class: 'muted' }, s.needsExcelDetail));
    return () => undefined;
  }
  const view = layout(el, ctx, s);
  // Back online with batches waiting: send them (with their own batch ids) without waiting for a click.
  const onlineChange = () => {
    void updateConnection(view);
    if (!navigator.onLine || !view.workflow) return;
    void view.workflow.pendingBatches().then(async (pending) => {
      if (pending === 0) return;
      const known = await boundKinds(view);
      if (known.length > 0) await run(view, () => syncSelected(view, known));
    });
  };
  addEventListener('online', onlineChange);
  addEventListener('offline', onlineChange);
  drawOutcomes(view);
  // Pull on open: every table this workbook already syncs gets what changed on the service.
  void run(view, async () => {
    const known = await boundKinds(view);
    if (known.length > 0) await pullKinds(view, known);
  });
  return () => {
    removeEventListener('online', onlineChange);
    removeEventListener('offline', onlineChange);
  };
}

/** Status, prepare, sync (progress), results, conflicts, deletes. */
function layout(el: HTMLElement, ctx: ViewContext, s: SyncStrings): SyncView {
  const names = syncNames(ctx.meta, ctx.locale);
  const kindId = uid('sync-kind');
  const progressId = uid('sync-progress');
  const view: SyncView = {
    el,
    ctx,
    s,
    names,
    busy: false,
    outcomes: new Map(),
    conflicts: new Map(),
    offers: new Map(),
    live: h('div', { class: 'sync-live', role: 'status', 'aria-live': 'polite' }),
    alerts: h('div', { 'aria-live': 'assertive' }),
    connection: h('p', { class: 'sync-connection', 'data-testid': 'connection' }),
    adoptSlot: h('div', { class: 'adopt-slot' }),
    kindSelect: h('select', { id: kindId }, h('option', { value: 'all' }, s.allKinds), ...kinds.map((k) => h('option', { value: k }, names.sheetOf(k)))),
    progress: h('progress', { id: progressId, max: 1, value: 0, 'aria-label': s.progressLabel }),
    progressText: h('p', { class: 'muted', 'data-testid': 'progress-text' }),
    resultsSlot: h('section', { class: 'card', 'aria-labelledby': 'sync-results' }),
    conflictsSlot: h('section', { class: 'card', 'aria-labelledby': 'sync-conflicts', hidden: true }),
    deletesSlot: h('section', { class: 'card', 'aria-labelledby': 'sync-deletes', hidden: true }),
    offersSlot: h('section', { class: 'card', 'aria-labelledby': 'sync-offers', hidden: true, 'data-testid': 'offers' }),
    buttons: [],
  };
  const insertButton = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(view, () => insertTemplates(view)) }, s.insertTemplates);
  const adoptButton = h('fluent-button', { role: 'button', onclick: () => void run(view, () => proposeAdoption(view)) }, s.adopt);
  const syncButton = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(view, () => syncSelected(view)) }, s.syncButton);
  const pullButton = h('fluent-button', { role: 'button', onclick: () => void run(view, () => pullKinds(view, selected(view))) }, s.pullButton);
  view.buttons = [insertButton, adoptButton, syncButton, pullButton];
  const prepare = h(
    'section',
    { class: 'card', 'aria-labelledby': 'sync-prepare' },
    h('h2', { id: 'sync-prepare' }, s.prepare),
    h('p', { class: 'muted' }, s.insertTemplatesHint),
    h('div', { class: 'sync-actions' }, insertButton, adoptButton),
    h('p', { class: 'muted' }, s.adoptHint),
    view.adoptSlot,
  );
  const syncSection = h(
    'section',
    { class: 'card', 'aria-labelledby': 'sync-title' },
    h('h2', { id: 'sync-title' }, s.syncSection),
    view.connection,
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: kindId }, s.kindLabel), view.kindSelect), syncButton, pullButton),
    h('div', { class: 'sync-progress' }, view.progress, view.progressText),
  );
  el.replaceChildren(view.alerts, view.live, prepare, syncSection, view.resultsSlot, view.conflictsSlot, view.offersSlot, view.deletesSlot);
  return view;
}

const say = (view: SyncView, text: string) => {
  view.live.textContent = text;
};

function fail(view: SyncView, error: unknown): void {
  const text = error instanceof SyncUiError ? error.text[view.ctx.locale] : errorText(error, view.ctx);
  view.alerts.replaceChildren(h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert' }, text));
}

async function updateConnection(view: SyncView): Promise<void> {
  const { s } = view;
  const { offline, pending } = connectionModel(navigator.onLine, view.outcomes.values(), view.workflow ? await view.workflow.pendingBatches() : 0);
  view.connection.replaceChildren(
    h('span', { class: offline ? 'badge-offline' : 'badge-online' }, offline ? s.offline : s.online),
    pending > 0 ? h('span', { 'data-testid': 'pending' }, ` · ${s.pending(pending)}`) : '',
  );
}

/** One operation at a time; buttons are disabled meanwhile and errors shown. */
async function run(view: SyncView, op: () => Promise<void>): Promise<void> {
  if (view.busy) return;
  view.busy = true;
  // aria-disabled too: assistive technology (and test drivers) then wait instead of clicking into nothing.
  for (const b of view.buttons) {
    b.setAttribute('disabled', '');
    b.setAttribute('aria-disabled', 'true');
  }
  view.el.setAttribute('aria-busy', 'true');
  view.alerts.replaceChildren();
  try {
    view.memory ??= workbookMemory();
    view.workflow ??= createSyncWorkflow({ api: view.ctx.api, meta: view.ctx.meta, layer: createExcelLayer(), memory: await view.memory });
    await op();
  } catch (error) {
    fail(view, error);
  } finally {
    view.busy = false;
    for (const b of view.buttons) {
      b.removeAttribute('disabled');
      b.removeAttribute('aria-disabled');
    }
    view.el.removeAttribute('aria-busy');
    await updateConnection(view).catch(() => undefined);
  }
}

/** The kinds whose tables this workbook already syncs, in crossKindOrder. */
async function boundKinds(view: SyncView): Promise<Kind[]> {
  const bound = await (await view.memory!).tables();
  return crossKindOrder.filter((k) => bound[k]);
}

/** The kinds to sync: all of them in crossKindOrder (what a kind's warnings read is synced first), or the one chosen. */
const selected = (view: SyncView): Kind[] => (view.kindSelect.value === 'all' ? [...crossKindOrder] : [view.kindSelect.value as Kind]);

async function insertTemplates(view: SyncView): Promise<void> {
  const out = await view.workflow!.insertTemplates();
  const created = out.filter((t) => t.created);
  const renamed = created.filter((t) => t.renamed).map((t) => t.sheet);
  const notes = [view.s.templatesInserted(created.length)];
  if (renamed.length > 0) notes.push(view.s.templatesRenamed(renamed.join(', ')));
  if (created.length > 0 && !created[0]!.dropDowns) notes.push(view.s.templatesNoDropDowns);
  say(view, notes.join(' '));
}

async function proposeAdoption(view: SyncView, kind?: Kind, map?: Record<string, string>): Promise<void> {
  drawProposal(view, await view.workflow!.proposeAdoption(kind, map));
}

const columnOrder = (a: string) => a.length * 1000 + [...a].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/**
 * The header as read, a column a line: the field it became, picked by hand when the official wants
 * (or 가져오지 않음). A change reads the range again with the new mapping (nothing is written).
 */
function mappingTable(view: SyncView, p: AdoptionProposal, kind: Kind): HTMLElement {
  const { s, names } = view;
  const header = p.report.header!;
  const fields = view.ctx.meta.kinds.find((k) => k.kind === kind)?.columns ?? [];
  const all = [...header.columns, ...header.ignored.map((c) => ({ ...c, field: '', unit: null }))].sort((a, b) => columnOrder(a.column) - columnOrder(b.column));
  const rows = all
    .filter((c) => c.field !== 'rowId')
    .map((c) => {
      const id = uid('adopt-map');
      const select = h(
        'select',
        { id },
        h('option', { value: '' }, s.adoptIgnored),
        ...fields.map((f) => h('option', { value: f.field }, `${names.labelOf(kind, f.field)}${f.required ? ' *' : ''}`)),
      );
      select.value = c.field;
      select.addEventListener('change', () => {
        const map = { ...p.map, [c.header]: select.value === '' ? '무시' : select.value };
        void run(view, () => proposeAdoption(view, kind, map));
      });
      return h('tr', {}, h('td', {}, h('label', { for: id }, `${c.column} · ${c.header}`)), h('td', {}, select), h('td', {}, c.unit ?? ''));
    });
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { 'data-testid': 'adopt-mapping' },
      h('caption', {}, s.adoptMapping),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.adoptHeader), h('th', { scope: 'col' }, s.adoptField), h('th', { scope: 'col' }, s.adoptUnit))),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The first rows as the normaliser reads them with this mapping, and the cells it cannot read. */
function previewBlock(view: SyncView, p: AdoptionProposal, kind: Kind): HTMLElement {
  const { s, names } = view;
  const columns = (p.report.header?.columns ?? []).filter((c) => c.field !== 'rowId');
  const rows = p.report.rows.slice(0, 5);
  const rejected = p.report.rejected;
  const table = h(
    'table',
    { 'data-testid': 'adopt-preview' },
    h('caption', {}, s.adoptPreview),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.adoptPreviewRow), ...columns.map((c) => h('th', { scope: 'col' }, names.labelOf(kind, c.field))))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, String(r.row)), ...columns.map((c) => h('td', {}, names.show(r.values[c.field], kind, c.field)))))),
  );
  return h(
    'div',
    {},
    rows.length > 0 ? h('div', { class: 'table-scroll' }, table) : h('p', { class: 'muted' }, s.adoptPreviewNone),
    rejected.length > 0
      ? h(
          'div',
          { 'data-testid': 'adopt-rejected' },
          h('p', {}, s.adoptRejected(rejected.length)),
          h('ul', {}, ...rejected.slice(0, 10).map((x) => h('li', {}, `${x.column}${x.row}: ${x.message[view.ctx.locale]}`))),
        )
      : '',
  );
}

/** Which rows the table will take: those like its own (the default) or every row the token sees. */
function scopeChoice(view: SyncView, p: AdoptionProposal): { el: HTMLElement; value: () => 'rows' | 'all' } {
  const { s } = view;
  const found = describeScope(
    scopeOfRows(
      p.report.rows.map((r) => r.values),
      view.workflow!.ref,
    ),
    view.workflow!.ref,
    view.ctx.locale,
  );
  const name = uid('adopt-scope');
  const rows = h('input', { type: 'radio', name, id: `${name}-rows`, value: 'rows', checked: true });
  const all = h('input', { type: 'radio', name, id: `${name}-all`, value: 'all' });
  const el = h(
    'fieldset',
    { class: 'adopt-scope', 'data-testid': 'adopt-scope' },
    h('legend', {}, s.adoptScope),
    h('div', {}, rows, h('label', { for: `${name}-rows` }, s.adoptScopeRows(found))),
    h('div', {}, all, h('label', { for: `${name}-all` }, s.adoptScopeAll)),
    h('p', { class: 'muted' }, s.adoptScopeHint),
  );
  return { el, value: () => (all.checked ? 'all' : 'rows') };
}

/** Title rows, the unit they declare, merged cells to unmerge: what adopting will do besides the table. */
function adoptNotes(view: SyncView, p: AdoptionProposal): (HTMLElement | string)[] {
  const { s } = view;
  const header = p.report.header!;
  const firstRow = Number(/\d+/.exec(p.candidates.address.slice(p.candidates.address.lastIndexOf('!') + 1))?.[0] ?? header.row);
  return [
    h('p', {}, s.adoptDetected(p.candidates.sheet, header.row)),
    header.row > firstRow ? h('p', { class: 'muted' }, s.adoptTitleRows(header.row)) : '',
    p.titleUnit ? h('p', { 'data-testid': 'adopt-unit' }, s.adoptTitleUnit(p.titleUnit)) : '',
    p.merges === null
      ? h('fluent-message-bar', { intent: 'warning', class: 'notice', 'data-testid': 'adopt-merges' }, s.adoptMergesUnknown)
      : p.merges.length > 0
        ? h('fluent-message-bar', { intent: 'warning', class: 'notice', 'data-testid': 'adopt-merges' }, s.adoptMerges(p.merges.join(', ')))
        : '',
  ];
}

/**
 * The adopt dialog: the kind, the header mapping (each column's field, picked by hand where needed),
 * the rows as they will be read, which rows the table takes, 확인 and 취소. 확인 waits until every
 * required field has a column.
 */
function drawProposal(view: SyncView, p: AdoptionProposal): void {
  const { s, names } = view;
  const kind = p.report.kind as Kind;
  const pickId = uid('adopt-kind');
  const pick = h('select', { id: pickId }, ...kinds.map((k) => h('option', { value: k, selected: k === kind }, names.sheetOf(k))));
  pick.addEventListener('change', () => void run(view, () => proposeAdoption(view, pick.value as Kind, p.map)));
  const scope = scopeChoice(view, p);
  const adopt = async () => {
    const table = await view.workflow!.adopt(p, { map: p.map, scope: scope.value() });
    view.adoptSlot.replaceChildren();
    say(view, s.adoptDone(table));
  };
  const blocked = p.report.error !== undefined;
  const confirm = h(
    'fluent-button',
    { role: 'button', appearance: 'primary', disabled: blocked, 'aria-disabled': String(blocked), onclick: () => void (blocked || run(view, adopt)) },
    s.adoptConfirm,
  );
  const cancel = h('fluent-button', { role: 'button', onclick: () => view.adoptSlot.replaceChildren() }, s.cancel);
  view.adoptSlot.replaceChildren(
    h(
      'div',
      { class: 'adopt', role: 'group', 'aria-labelledby': 'adopt-title' },
      h('h3', { id: 'adopt-title' }, s.adoptMapping),
      ...adoptNotes(view, p),
      h('div', { class: 'field' }, h('label', { for: pickId }, s.adoptKind), pick),
      h('p', { class: 'muted' }, s.adoptMapHint),
      p.report.error
        ? h('fluent-message-bar', { intent: 'warning', class: 'notice', 'data-testid': 'adopt-error' }, `${p.report.error.message[view.ctx.locale]} ${s.adoptFixFirst}`)
        : '',
      mappingTable(view, p, kind),
      previewBlock(view, p, kind),
      scope.el,
      h('div', { class: 'sync-actions' }, confirm, cancel),
    ),
  );
  (blocked ? pick : confirm).focus();
}

function onProgress(view: SyncView, p: ProgressInfo): void {
  const bar = progressModel(p);
  view.progress.max = bar.max;
  view.progress.value = bar.value;
  view.progressText.textContent = `${view.names.sheetOf(p.kind)} · ${view.s.progressText(p.rowsRead, p.rowsSent, p.rowsAccepted)}`;
}

async function syncSelected(view: SyncView, only?: Kind[]): Promise<void> {
  const { s, names } = view;
  const lines: string[] = [];
  const done: KindOutcome[] = [];
  for (const kind of only ?? selected(view)) {
    say(view, s.reading(names.sheetOf(kind)));
    const outcome = await view.workflow!.syncKind(kind, (p) => onProgress(view, p));
    if (!outcome) {
      view.outcomes.delete(kind);
      if (view.kindSelect.value !== 'all') lines.push(s.noTable(names.sheetOf(kind)));
      continue;
    }
    view.outcomes.set(kind, outcome);
    view.conflicts.set(kind, outcome.conflicts);
    view.offers.set(kind, outcome.offers);
    done.push(outcome);
    lines.push(s.summary(names.sheetOf(kind), outcome.rowsRead, outcome.accepted, outcome.refused.length, outcome.pulled));
    if (outcome.failedBatches.length > 0) fail(view, new Error(`${s.failedBatch} ${outcome.failedBatches.map((b) => b.message).join(' ')}`));
  }
  const total = syncTotals(done);
  view.progressText.textContent = s.progressText(total.read, total.sent, total.accepted);
  say(view, lines.join(' / '));
  drawOutcomes(view);
}

async function pullKinds(view: SyncView, which: readonly Kind[]): Promise<void> {
  const lines: string[] = [];
  for (const kind of which) {
    const result = await view.workflow!.pullKind(kind);
    if (!result) continue;
    view.conflicts.set(kind, result.conflicts);
    view.offers.set(kind, result.offers);
    lines.push(view.s.pulledText(view.names.sheetOf(kind), result.written));
  }
  say(view, lines.join(' / '));
  drawOutcomes(view);
}

function resultList(view: SyncView, items: ResultItem[], label: string, testId: string): HTMLElement {
  const { s, names } = view;
  const goTo = (x: ResultItem) => () => void run(view, async () => createExcelLayer().selectCell(x.tableName, x.row, x.column));
  return h(
    'ul',
    { class: 'sync-results', 'aria-label': label, 'data-testid': testId },
    ...items.map((x) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: `result result-${x.status}`, onclick: goTo(x) },
          h('strong', {}, s.goToCell(names.sheetOf(x.kind), x.address)),
          ` (${s.status[x.status] ?? x.status}) `,
          x.messages.map((m) => m[view.ctx.locale]).join(' · '),
        ),
      ),
    ),
  );
}

function drawOutcomes(view: SyncView): void {
  const { s, names } = view;
  const { refused, warnings, skipped, fillOnly } = resultsModel(view.outcomes.values());
  view.resultsSlot.replaceChildren(
    h('h2', { id: 'sync-results' }, s.results),
    fillOnly ? h('fluent-message-bar', { intent: 'info', class: 'notice', 'data-testid': 'marks-fill-only' }, s.marksFillOnly) : '',
    refused.length > 0 ? h('p', { class: 'muted' }, s.resultsHint) : h('p', {}, s.noResults),
    refused.length > 0 ? resultList(view, refused, s.results, 'refused') : '',
    warnings.length > 0 ? h('h3', { id: 'sync-warnings' }, s.warnings) : '',
    warnings.length > 0 ? resultList(view, warnings, s.warnings, 'warnings') : '',
    skipped.length > 0 ? h('h3', { id: 'sync-skipped' }, s.skipped) : '',
    skipped.length > 0
      ? h(
          'ul',
          { class: 'sync-skipped', 'aria-labelledby': 'sync-skipped', 'data-testid': 'skipped' },
          ...skipped.map((x) => h('li', {}, s.skippedRow(names.sheetOf(x.kind), x.sheetRow, x.message[view.ctx.locale]))),
        )
      : '',
  );
  drawConflicts(view);
  drawOffers(view);
  drawDeletes(view);
}

/** Rows the service has and the tables do not: offered, never added unasked. */
function drawOffers(view: SyncView): void {
  const entries = [...view.offers.values()].filter((o) => o.fits.length + o.outside.length > 0);
  view.offersSlot.hidden = entries.length === 0;
  view.offersSlot.replaceChildren(h('h2', { id: 'sync-offers' }, view.s.offers), h('p', { class: 'muted' }, view.s.offersHint), ...entries.map((o) => offerCard(view, o)));
}

/** One kind's offers: those within the table's scope (표에 추가) and those outside it (새 시트에 넣기). */
function offerCard(view: SyncView, o: Offers): HTMLElement {
  const { s, names } = view;
  const scope = describeScope(o.scope, view.workflow!.ref, view.ctx.locale);
  const list = (rows: Offers['fits'], testId: string) =>
    h(
      'ul',
      { 'data-testid': testId },
      ...rows.slice(0, 10).map((r) => h('li', {}, names.describeRow(o.kind, { rowId: r.rowId, baseRevision: r.revision, values: r.values }))),
      rows.length > 10 ? h('li', { class: 'muted' }, s.offersMore(rows.length - 10)) : '',
    );
  const settle = (what: 'take' | 'copy', rows: Offers['fits']) => async () => {
    const ids = rows.map((r) => r.rowId);
    const sheet = names.sheetOf(o.kind);
    const text =
      what === 'take' ? s.offersTaken(sheet, await view.workflow!.takeOffered(o.kind, ids)) : s.offersCopied((await view.workflow!.offeredToSheet(o.kind, ids)) ?? '', ids.length);
    // Read the offers again from the service's side of things (they are settled now).
    await pullKinds(view, [o.kind]);
    say(view, text);
  };
  return h(
    'div',
    { class: 'offer', role: 'group', 'aria-labelledby': `offers-${o.kind}`, 'data-testid': `offers-${o.kind}` },
    h('h3', { id: `offers-${o.kind}` }, names.sheetOf(o.kind)),
    o.fits.length > 0 ? h('p', {}, s.offersFit(o.fits.length, scope)) : '',
    o.fits.length > 0 ? list(o.fits, 'offers-fit') : '',
    o.fits.length > 0 ? h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(view, settle('take', o.fits)) }, s.offersTake) : '',
    o.outside.length > 0 ? h('p', {}, s.offersOutside(o.outside.length, scope)) : '',
    o.outside.length > 0 ? list(o.outside, 'offers-outside') : '',
    o.outside.length > 0 ? h('fluent-button', { role: 'button', onclick: () => void run(view, settle('copy', o.outside)) }, s.offersToSheet) : '',
  );
}

function drawConflicts(view: SyncView): void {
  const entries = [...view.conflicts.entries()].flatMap(([kind, list]) => list.map((c) => ({ kind, c })));
  view.conflictsSlot.hidden = entries.length === 0;
  view.conflictsSlot.replaceChildren(h('h2', { id: 'sync-conflicts' }, view.s.conflicts), ...entries.map(({ kind, c }, i) => conflictCard(view, kind, c, i)));
}

/** One conflict: the fields that differ, mine beside theirs, and 내 값 유지 / 서버 값 받기. */
function conflictCard(view: SyncView, kind: Kind, c: Conflict, i: number): HTMLElement {
  const { s, names } = view;
  const mine = c.mine;
  const theirs = c.server.deleted ? null : c.server.values;
  const captionId = `conflict-${i}`;
  const resolve = (choice: 'mine' | 'theirs') => async () => {
    await view.workflow!.resolve(kind, c.rowId, choice);
    // Sync the kind again: "mine" is resent on the service's revision, and the row's mark is cleared.
    await syncSelected(view, [kind]);
  };
  return h(
    'div',
    { class: 'conflict', role: 'group', 'aria-labelledby': captionId, 'data-testid': 'conflict' },
    h('h3', { id: captionId }, `${names.sheetOf(kind)} · ${names.rowTitle(kind, theirs ?? mine)}`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, `${names.sheetOf(kind)} ${c.rowId}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.field), h('th', { scope: 'col' }, s.mine), h('th', { scope: 'col' }, s.theirs))),
        h(
          'tbody',
          {},
          mine === null || theirs === null
            ? h('tr', {}, h('td', {}, '–'), h('td', {}, mine === null ? s.deletedHere : ''), h('td', {}, theirs === null ? s.deletedThere : ''))
            : null,
          ...conflictFields(c, names.show).map((f) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, names.labelOf(kind, f)),
              h('td', { 'data-testid': 'mine' }, names.show(mine?.[f], kind, f)),
              h('td', { 'data-testid': 'theirs' }, names.show(theirs?.[f], kind, f)),
            ),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'sync-actions' },
      h('fluent-button', { role: 'button', onclick: () => void run(view, resolve('mine')) }, s.keepMine),
      h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(view, resolve('theirs')) }, s.takeTheirs),
    ),
  );
}

/** Rows gone from the tables, sent as deletions only after 삭제 확인. */
function drawDeletes(view: SyncView): void {
  const { s, names } = view;
  const { entries, byKind } = deleteModel(view.outcomes.values());
  view.deletesSlot.hidden = entries.length === 0;
  const confirmSlot = h('div');
  const send = async () => {
    for (const [kind, ids] of byKind) await view.workflow!.confirmDeletes(kind, ids);
    await syncSelected(view, [...byKind.keys()]);
    say(view, s.deletesSent(entries.length));
  };
  const ask = () => {
    const yes = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(view, send) }, s.deleteYes);
    const no = h('fluent-button', { role: 'button', onclick: () => confirmSlot.replaceChildren() }, s.cancel);
    confirmSlot.replaceChildren(
      h(
        'div',
        { role: 'alertdialog', 'aria-labelledby': 'delete-ask', class: 'confirm' },
        h('p', { id: 'delete-ask' }, s.deleteConfirm(entries.length)),
        h('div', { class: 'sync-actions' }, yes, no),
      ),
    );
    yes.focus();
  };
  view.deletesSlot.replaceChildren(
    h('h2', { id: 'sync-deletes' }, s.deletes),
    h('p', { class: 'muted' }, s.deletesHint),
    h('ul', { 'data-testid': 'delete-candidates' }, ...entries.map(({ kind, d }) => h('li', {}, `${names.sheetOf(kind)}: ${names.describeRow(kind, d)}`))),
    h('fluent-button', { role: 'button', onclick: ask }, s.deleteAsk),
    confirmSlot,
  );
}

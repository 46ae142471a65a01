// 동기화: inside Excel, prepare the tables (templates or adopt), sync them with the service, and show
// what the service refused (clicking an entry selects its cell), conflicts with both values, rows gone
// from the table offered as deletes, and whether the pane is offline with batches waiting.
// In a plain browser it says that syncing needs Excel.
import { kinds, type Kind } from '../../../domain/sheets.ts';
import { createExcelLayer } from '../../excel/index.ts';
import type { Conflict } from '../../sync/index.ts';
import { syncStrings } from '../i18n.ts';
import { createSyncSession, SyncUiError, type AdoptionProposal, type DeleteCandidate, type KindOutcome, type ProgressInfo, type ResultItem, type SyncSession } from '../sync-ui/session.ts';
import { workbookMemory } from '../sync-ui/state-store.ts';
import { h, uid } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';
import { errorText } from './results.ts';

type Proposal = AdoptionProposal;

export function mountSyncView(el: HTMLElement, ctx: ViewContext): () => void {
  const s = syncStrings[ctx.locale];
  if (!ctx.host.excel) {
    el.replaceChildren(
      h('fluent-message-bar', { intent: 'info', class: 'notice' }, ctx.t.syncNeedsExcel),
      h('p', { class: 'muted' }, s.needsExcelDetail),
    );
    return () => undefined;
  }

  const sheetOf = (kind: Kind) => ctx.meta.kinds.find((k) => k.kind === kind)?.sheet ?? kind;
  const labelOf = (kind: Kind, field: string) => {
    const column = ctx.meta.kinds.find((k) => k.kind === kind)?.columns.find((c) => c.field === field) as { header: string; label?: string } | undefined;
    if (!column) return field;
    return ctx.locale === 'ko' ? column.header : (column.label ?? column.header);
  };
  const dongNames = new Map(ctx.meta.dongs.map((d) => [d.code, d.name]));
  const typeOf = (kind: Kind, field: string) => ctx.meta.kinds.find((k) => k.kind === kind)?.columns.find((c) => c.field === field)?.type;
  /** A value as an official reads it: the dong's name, amounts with thousands separators, 예/아니오. */
  const show = (v: unknown, kind?: Kind, field?: string) => {
    if (v === null || v === undefined || v === '') return '–';
    if (typeof v === 'boolean') return ctx.locale === 'ko' ? (v ? '예' : '아니오') : v ? 'Yes' : 'No';
    const type = kind && field ? typeOf(kind, field) : undefined;
    if (type === 'dong' && typeof v === 'string') return dongNames.get(v) ?? v;
    if ((type === 'money' || type === 'count') && typeof v === 'number') return v.toLocaleString('ko-KR');
    return String(v);
  };
  /** The fields that say which row it is (dong, phase, and what the row is about). */
  const rowTitle = (kind: Kind, values: Record<string, unknown> | null | undefined) => {
    if (!values) return '';
    const about = { spending: ['fiscalYear', 'category', 'item'], participation: ['date', 'activity', 'title'], progress: ['milestone'] }[kind];
    return ['dong', 'phase', ...about].map((f) => show(values[f], kind, f)).filter((t) => t !== '–').join(' · ');
  };

  let session: SyncSession | undefined;
  let memory: ReturnType<typeof workbookMemory> | undefined;
  let busy = false;
  const outcomes = new Map<Kind, KindOutcome>();
  const conflicts = new Map<Kind, Conflict[]>();

  // Layout: status, prepare, sync (progress), results, conflicts, deletes.
  const live = h('div', { class: 'sync-live', role: 'status', 'aria-live': 'polite' });
  const alerts = h('div', { 'aria-live': 'assertive' });
  const connection = h('p', { class: 'sync-connection', 'data-testid': 'connection' });

  const adoptSlot = h('div', { class: 'adopt-slot' });
  const insertButton = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(insertTemplates) }, s.insertTemplates);
  const adoptButton = h('fluent-button', { role: 'button', onclick: () => void run(proposeAdoption) }, s.adopt);
  const prepare = h(
    'section',
    { class: 'card', 'aria-labelledby': 'sync-prepare' },
    h('h2', { id: 'sync-prepare' }, s.prepare),
    h('p', { class: 'muted' }, s.insertTemplatesHint),
    h('div', { class: 'sync-actions' }, insertButton, adoptButton),
    h('p', { class: 'muted' }, s.adoptHint),
    adoptSlot,
  );

  const kindId = uid('sync-kind');
  const kindSelect = h('select', { id: kindId }, h('option', { value: 'all' }, s.allKinds), ...kinds.map((k) => h('option', { value: k }, sheetOf(k))));
  const syncButton = h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(() => syncSelected()) }, s.syncButton);
  const pullButton = h('fluent-button', { role: 'button', onclick: () => void run(() => pullSelected()) }, s.pullButton);
  const progressId = uid('sync-progress');
  const progress = h('progress', { id: progressId, max: 1, value: 0, 'aria-label': s.progressLabel });
  const progressText = h('p', { class: 'muted', 'data-testid': 'progress-text' });
  const syncSection = h(
    'section',
    { class: 'card', 'aria-labelledby': 'sync-title' },
    h('h2', { id: 'sync-title' }, s.syncSection),
    connection,
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: kindId }, s.kindLabel), kindSelect), syncButton, pullButton),
    h('div', { class: 'sync-progress' }, progress, progressText),
  );

  const resultsSlot = h('section', { class: 'card', 'aria-labelledby': 'sync-results' });
  const conflictsSlot = h('section', { class: 'card', 'aria-labelledby': 'sync-conflicts', hidden: true });
  const deletesSlot = h('section', { class: 'card', 'aria-labelledby': 'sync-deletes', hidden: true });
  el.replaceChildren(alerts, live, prepare, syncSection, resultsSlot, conflictsSlot, deletesSlot);
  const buttons = [insertButton, adoptButton, syncButton, pullButton];

  const say = (text: string) => {
    live.textContent = text;
  };
  const fail = (error: unknown) => {
    const text = error instanceof SyncUiError ? error.text[ctx.locale] : errorText(error, ctx);
    alerts.replaceChildren(h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert' }, text));
  };

  const updateConnection = async () => {
    const pending = session ? await session.pendingBatches() : 0;
    const offline = !navigator.onLine || [...outcomes.values()].some((o) => o.offline);
    connection.replaceChildren(
      h('span', { class: offline ? 'badge-offline' : 'badge-online' }, offline ? s.offline : s.online),
      pending > 0 ? h('span', { 'data-testid': 'pending' }, ` · ${s.pending(pending)}`) : '',
    );
  };

  /** One operation at a time; buttons are disabled meanwhile and errors shown. */
  async function run(op: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    // aria-disabled too: assistive technology (and test drivers) then wait instead of clicking into nothing.
    for (const b of buttons) {
      b.setAttribute('disabled', '');
      b.setAttribute('aria-disabled', 'true');
    }
    el.setAttribute('aria-busy', 'true');
    alerts.replaceChildren();
    try {
      memory ??= workbookMemory();
      session ??= createSyncSession({ api: ctx.api, meta: ctx.meta, layer: createExcelLayer(), memory: await memory });
      await op();
    } catch (error) {
      fail(error);
    } finally {
      busy = false;
      for (const b of buttons) {
        b.removeAttribute('disabled');
        b.removeAttribute('aria-disabled');
      }
      el.removeAttribute('aria-busy');
      await updateConnection().catch(() => undefined);
    }
  }

  async function insertTemplates(): Promise<void> {
    const out = await session!.insertTemplates();
    say(s.templatesInserted(out.filter((t) => t.created).length));
  }

  async function proposeAdoption(kind?: Kind): Promise<void> {
    const proposal = await session!.proposeAdoption(kind);
    drawProposal(proposal);
  }

  function drawProposal(p: Proposal): void {
    const kind = p.report.kind as Kind;
    const header = p.report.header!;
    const pickId = uid('adopt-kind');
    const pick = h('select', { id: pickId }, ...kinds.map((k) => h('option', { value: k, selected: k === kind }, sheetOf(k))));
    pick.addEventListener('change', () => void run(() => proposeAdoption(pick.value as Kind)));
    const rows = [
      ...header.columns.map((c) => h('tr', {}, h('td', {}, `${c.column} · ${c.header}`), h('td', {}, c.field === 'rowId' ? '행ID' : labelOf(kind, c.field)), h('td', {}, c.unit ?? ''))),
      ...header.ignored.map((c) => h('tr', {}, h('td', {}, `${c.column} · ${c.header}`), h('td', { class: 'muted' }, s.adoptIgnored), h('td', {}, ''))),
    ];
    const confirm = h(
      'fluent-button',
      {
        role: 'button',
        appearance: 'primary',
        onclick: () =>
          void run(async () => {
            const table = await session!.adopt(p);
            adoptSlot.replaceChildren();
            say(s.adoptDone(table));
          }),
      },
      s.adoptConfirm,
    );
    const cancel = h('fluent-button', { role: 'button', onclick: () => adoptSlot.replaceChildren() }, s.cancel);
    adoptSlot.replaceChildren(
      h(
        'div',
        { class: 'adopt', role: 'group', 'aria-labelledby': 'adopt-title' },
        h('h3', { id: 'adopt-title' }, s.adoptMapping),
        h('p', {}, s.adoptDetected(p.candidates.sheet, header.row)),
        header.row > Number(/\d+/.exec(p.candidates.address.slice(p.candidates.address.lastIndexOf('!') + 1))?.[0] ?? header.row) ? h('p', { class: 'muted' }, s.adoptTitleRows(header.row)) : '',
        p.titleUnit ? h('p', { 'data-testid': 'adopt-unit' }, s.adoptTitleUnit(p.titleUnit)) : '',
        p.merges === null
          ? h('fluent-message-bar', { intent: 'warning', class: 'notice', 'data-testid': 'adopt-merges' }, s.adoptMergesUnknown)
          : p.merges.length > 0
            ? h('fluent-message-bar', { intent: 'warning', class: 'notice', 'data-testid': 'adopt-merges' }, s.adoptMerges(p.merges.join(', ')))
            : '',
        h('div', { class: 'field' }, h('label', { for: pickId }, s.adoptKind), pick),
        h(
          'div',
          { class: 'table-scroll' },
          h('table', {}, h('caption', {}, s.adoptMapping), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.adoptHeader), h('th', { scope: 'col' }, s.adoptField), h('th', { scope: 'col' }, s.adoptUnit))), h('tbody', {}, ...rows)),
        ),
        h('div', { class: 'sync-actions' }, confirm, cancel),
      ),
    );
    confirm.focus();
  }

  const selected = (): Kind[] => (kindSelect.value === 'all' ? [...kinds] : [kindSelect.value as Kind]);

  const onProgress = (p: ProgressInfo) => {
    if (p.phase === 'read') {
      progress.max = Math.max(1, p.rowCount);
      progress.value = p.rowsRead;
    } else {
      progress.max = Math.max(1, p.rowsToSend);
      progress.value = p.phase === 'done' ? progress.max : p.rowsSent;
    }
    progressText.textContent = `${sheetOf(p.kind)} · ${s.progressText(p.rowsRead, p.rowsSent, p.rowsAccepted)}`;
  };

  async function syncSelected(only?: Kind[]): Promise<void> {
    const lines: string[] = [];
    const total = { read: 0, sent: 0, accepted: 0 };
    for (const kind of only ?? selected()) {
      say(s.reading(sheetOf(kind)));
      const outcome = await session!.syncKind(kind, onProgress);
      if (!outcome) {
        outcomes.delete(kind);
        if (kindSelect.value !== 'all') lines.push(s.noTable(sheetOf(kind)));
        continue;
      }
      outcomes.set(kind, outcome);
      conflicts.set(kind, outcome.conflicts);
      total.read += outcome.rowsRead;
      total.sent += outcome.rowsSent;
      total.accepted += outcome.accepted + outcome.unchanged;
      lines.push(s.summary(sheetOf(kind), outcome.rowsRead, outcome.accepted, outcome.refused.length, outcome.pulled));
      if (outcome.failedBatches.length > 0) fail(new Error(`${s.failedBatch} ${outcome.failedBatches.map((b) => b.message).join(' ')}`));
    }
    progressText.textContent = s.progressText(total.read, total.sent, total.accepted);
    say(lines.join(' / '));
    drawOutcomes();
  }

  async function pullSelected(): Promise<void> {
    const lines: string[] = [];
    for (const kind of selected()) {
      const result = await session!.pullKind(kind);
      if (!result) continue;
      conflicts.set(kind, result.conflicts);
      lines.push(s.pulledText(sheetOf(kind), result.written));
    }
    say(lines.join(' / '));
    drawOutcomes();
  }

  const goTo = (x: ResultItem) => () => void run(async () => createExcelLayer().selectCell(x.tableName, x.row, x.column));

  function resultList(items: ResultItem[], label: string, testId: string): HTMLElement {
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
            h('strong', {}, s.goToCell(sheetOf(x.kind), x.address)),
            ` (${s.status[x.status] ?? x.status}) `,
            x.messages.map((m) => m[ctx.locale]).join(' · '),
          ),
        ),
      ),
    );
  }

  function drawOutcomes(): void {
    const all = [...outcomes.values()];
    const refused = all.flatMap((o) => o.refused);
    const warnings = all.flatMap((o) => o.warnings);
    const skipped = all.flatMap((o) => o.skipped);
    resultsSlot.replaceChildren(
      h('h2', { id: 'sync-results' }, s.results),
      refused.length > 0 ? h('p', { class: 'muted' }, s.resultsHint) : h('p', {}, s.noResults),
      refused.length > 0 ? resultList(refused, s.results, 'refused') : '',
      warnings.length > 0 ? h('h3', { id: 'sync-warnings' }, s.warnings) : '',
      warnings.length > 0 ? resultList(warnings, s.warnings, 'warnings') : '',
      skipped.length > 0 ? h('h3', { id: 'sync-skipped' }, s.skipped) : '',
      skipped.length > 0
        ? h('ul', { class: 'sync-skipped', 'aria-labelledby': 'sync-skipped', 'data-testid': 'skipped' }, ...skipped.map((x) => h('li', {}, s.skippedRow(sheetOf(x.kind), x.sheetRow, x.message[ctx.locale]))))
        : '',
    );
    drawConflicts();
    drawDeletes();
  }

  function drawConflicts(): void {
    const entries = [...conflicts.entries()].flatMap(([kind, list]) => list.map((c) => ({ kind, c })));
    conflictsSlot.hidden = entries.length === 0;
    conflictsSlot.replaceChildren(
      h('h2', { id: 'sync-conflicts' }, s.conflicts),
      ...entries.map(({ kind, c }, i) => {
        const mine = c.mine;
        const theirs = c.server.deleted ? null : c.server.values;
        const fields = [...new Set([...Object.keys(mine ?? {}), ...Object.keys(theirs ?? {})])].filter((f) => show(mine?.[f]) !== show(theirs?.[f]));
        const captionId = `conflict-${i}`;
        return h(
          'div',
          { class: 'conflict', role: 'group', 'aria-labelledby': captionId, 'data-testid': 'conflict' },
          h('h3', { id: captionId }, `${sheetOf(kind)} · ${rowTitle(kind, theirs ?? mine)}`),
          h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              {},
              h('caption', { class: 'visually-hidden' }, `${sheetOf(kind)} ${c.rowId}`),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s.field), h('th', { scope: 'col' }, s.mine), h('th', { scope: 'col' }, s.theirs))),
              h(
                'tbody',
                {},
                mine === null || theirs === null
                  ? h('tr', {}, h('td', {}, '–'), h('td', {}, mine === null ? s.deletedHere : ''), h('td', {}, theirs === null ? s.deletedThere : ''))
                  : null,
                ...fields.map((f) => h('tr', {}, h('th', { scope: 'row' }, labelOf(kind, f)), h('td', { 'data-testid': 'mine' }, show(mine?.[f], kind, f)), h('td', { 'data-testid': 'theirs' }, show(theirs?.[f], kind, f)))),
              ),
            ),
          ),
          h(
            'div',
            { class: 'sync-actions' },
            h('fluent-button', { role: 'button', onclick: () => void run(() => resolve(kind, c.rowId, 'mine')) }, s.keepMine),
            h('fluent-button', { role: 'button', appearance: 'primary', onclick: () => void run(() => resolve(kind, c.rowId, 'theirs')) }, s.takeTheirs),
          ),
        );
      }),
    );
  }

  async function resolve(kind: Kind, rowId: string, choice: 'mine' | 'theirs'): Promise<void> {
    await session!.resolve(kind, rowId, choice);
    // Sync the kind again: "mine" is resent on the service's revision, and the row's mark is cleared.
    await syncSelected([kind]);
  }

  function drawDeletes(): void {
    const entries = [...outcomes.values()].flatMap((o) => o.deleteCandidates.map((d) => ({ kind: o.kind, d })));
    deletesSlot.hidden = entries.length === 0;
    const describe = (kind: Kind, d: DeleteCandidate) => {
      if (!d.values) return d.rowId;
      const cols = ctx.meta.kinds.find((k) => k.kind === kind)?.columns.slice(0, 6) ?? [];
      return cols.map((c) => show(d.values?.[c.field], kind, c.field)).join(' · ');
    };
    const confirmSlot = h('div');
    const ask = h(
      'fluent-button',
      {
        role: 'button',
        onclick: () => {
          const yes = h(
            'fluent-button',
            {
              role: 'button',
              appearance: 'primary',
              onclick: () =>
                void run(async () => {
                  const byKind = new Map<Kind, string[]>();
                  for (const { kind, d } of entries) byKind.set(kind, [...(byKind.get(kind) ?? []), d.rowId]);
                  for (const [kind, ids] of byKind) await session!.confirmDeletes(kind, ids);
                  await syncSelected([...byKind.keys()]);
                  say(s.deletesSent(entries.length));
                }),
            },
            s.deleteYes,
          );
          const no = h('fluent-button', { role: 'button', onclick: () => confirmSlot.replaceChildren() }, s.cancel);
          confirmSlot.replaceChildren(h('div', { role: 'alertdialog', 'aria-labelledby': 'delete-ask', class: 'confirm' }, h('p', { id: 'delete-ask' }, s.deleteConfirm(entries.length)), h('div', { class: 'sync-actions' }, yes, no)));
          yes.focus();
        },
      },
      s.deleteAsk,
    );
    deletesSlot.replaceChildren(
      h('h2', { id: 'sync-deletes' }, s.deletes),
      h('p', { class: 'muted' }, s.deletesHint),
      h('ul', { 'data-testid': 'delete-candidates' }, ...entries.map(({ kind, d }) => h('li', {}, `${sheetOf(kind)}: ${describe(kind, d)}`))),
      ask,
      confirmSlot,
    );
  }

  // Back online with batches waiting: send them (with their own batch ids) without waiting for a click.
  const onlineChange = () => {
    void updateConnection();
    if (!navigator.onLine || !session) return;
    void session.pendingBatches().then(async (pending) => {
      if (pending === 0) return;
      const bound = await (await memory!).tables();
      const known = kinds.filter((k) => bound[k]);
      if (known.length > 0) await run(() => syncSelected(known));
    });
  };
  addEventListener('online', onlineChange);
  addEventListener('offline', onlineChange);
  drawOutcomes();
  // Pull on open: every table this workbook already syncs gets what changed on the service.
  void run(async () => {
    const bound = await (await memory!).tables();
    const known = kinds.filter((k) => bound[k]);
    if (known.length === 0) return;
    const lines: string[] = [];
    for (const kind of known) {
      const result = await session!.pullKind(kind);
      if (!result) continue;
      conflicts.set(kind, result.conflicts);
      lines.push(s.pulledText(sheetOf(kind), result.written));
    }
    say(lines.join(' / '));
    drawOutcomes();
  });

  return () => {
    removeEventListener('online', onlineChange);
    removeEventListener('offline', onlineChange);
  };
}

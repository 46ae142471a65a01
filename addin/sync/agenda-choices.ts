// A spending line's 관련 의제 as a drop-down: the titles of its dong's agendas of the same fiscal year,
// as the workbook's 자치계획 table holds them (what the official keeps, synced or not). Pure: typed
// rows in, one list per dong and year out, for the Excel layer to put on the lines' cells.
import type { ReferenceIndex } from '../../domain/reference.ts';
import type { ListChoices } from '../excel/layer.ts';
import type { RowValues } from './types.ts';

/** Excel takes a list written out in the rule of at most 255 characters, items split at commas. */
const maxListLength = 255;

/** The dong as its code when the reference knows it (a name or a code may be typed), else as typed. */
function dongKey(value: unknown, ref: ReferenceIndex): { key: string; name: string } | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return null;
  const dong = ref.resolveDong(text);
  return typeof dong === 'object' ? { key: dong.code, name: dong.name } : { key: text, name: text };
}

/**
 * One list per dong and fiscal year of the spending lines: the agendas of that dong and year, in the
 * plan's order, each once. A title with a comma cannot be a list item and is left out; a list longer
 * than Excel takes is cut at the last whole title. Lines whose dong and year have no agenda get an
 * empty list (any earlier one is cleared).
 */
export function agendaChoices(agendas: readonly RowValues[], lines: readonly { row: number; values: RowValues }[], ref: ReferenceIndex): ListChoices[] {
  const titles = new Map<string, string[]>();
  for (const a of agendas) {
    const dong = dongKey(a.dong, ref);
    const title = typeof a.title === 'string' ? a.title.trim() : '';
    if (!dong || typeof a.fiscalYear !== 'number' || title === '' || title.includes(',')) continue;
    const key = `${dong.key}|${a.fiscalYear}`;
    const list = titles.get(key) ?? [];
    if (!list.includes(title)) list.push(title);
    titles.set(key, list);
  }
  const groups = new Map<string, { rows: number[]; name: string; year: number | null }>();
  for (const line of lines) {
    const dong = dongKey(line.values.dong, ref);
    const year = typeof line.values.fiscalYear === 'number' ? line.values.fiscalYear : null;
    const key = dong && year !== null ? `${dong.key}|${year}` : '';
    const group = groups.get(key) ?? { rows: [], name: dong?.name ?? '', year };
    group.rows.push(line.row);
    groups.set(key, group);
  }
  return [...groups].map(([key, g]) => {
    const choices: string[] = [];
    let length = 0;
    for (const t of titles.get(key) ?? []) {
      if (length + t.length + (choices.length > 0 ? 1 : 0) > maxListLength) break;
      length += t.length + (choices.length > 0 ? 1 : 0);
      choices.push(t);
    }
    return {
      rows: g.rows,
      choices,
      title: '관련 의제 / Agenda',
      message: `${g.name} ${g.year ?? ''}년 자치계획에 없는 의제입니다. 그대로 두면 동기화 때 경고로 표시됩니다. / Not an agenda of ${g.name}'s ${g.year ?? ''} plan; kept, with a warning on sync.`,
    };
  });
}

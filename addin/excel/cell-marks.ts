// Marks on cells: a fill, and the reason as a note (ExcelApi 1.18) or a modern comment (1.10); only
// the fill before 1.10. What the add-in wrote starts with `notePrefix`, so it is told apart from the
// official's own notes and comments: ours are removed when the cell is fixed, theirs never touched.
import { loud, quiet, type Supports } from './quiet.ts';
import type { ExcelHost } from './office-types.ts';

/** Fill colours of marked cells. */
export const markColours = { rejected: '#F8D7DA', forbidden: '#F8D7DA', invalid: '#F8D7DA', warning: '#FFF3CD', conflict: '#E2D9F3' } as const;
export type MarkKind = keyof typeof markColours;

/** Prefix of every note or comment this add-in writes, so it is told apart from the official's own. */
export const notePrefix = '[자치 장부] ';

export interface CellMark {
  /** Row in the table's data body (0-based), column in the table (0-based, 0 = 행ID). */
  row: number;
  column: number;
  kind: MarkKind;
  /** The Korean reason(s), shown in the note. */
  text: string;
}

export type NoteMode = 'notes' | 'comments' | 'fill';

export function noteMode(supports: Supports): NoteMode {
  if (supports('1.18')) return 'notes';
  if (supports('1.10')) return 'comments';
  return 'fill';
}

interface Cell {
  row: number;
  column: number;
  range: Excel.Range;
}

/** A cell's address without its sheet and $ signs, to compare addresses Excel gives in two forms. */
const bare = (address: string) => (address.split('!').pop() ?? '').replace(/\$/g, '').toUpperCase();

/** What is on the touched cells now: our notes or comments (to delete), and cells with the official's own. */
interface Existing {
  ours: { delete(): void }[];
  theirs: Set<string>;
}

/** Notes (ExcelApi 1.18) on the cells, looked up by address: load, sync. */
async function existingNotes(context: Excel.RequestContext, cells: readonly Cell[]): Promise<Existing> {
  const notes = cells.map((c) => {
    const note = context.workbook.notes.getItemOrNullObject(c.range.address);
    note.load(['isNullObject', 'content']);
    return { address: bare(c.range.address), note };
  });
  await context.sync();
  const found = notes.filter((n) => !n.note.isNullObject);
  return {
    ours: found.filter((n) => n.note.content.startsWith(notePrefix)).map((n) => n.note),
    theirs: new Set(found.filter((n) => !n.note.content.startsWith(notePrefix)).map((n) => n.address)),
  };
}

/**
 * Modern comments (ExcelApi 1.10) on the cells: the sheet's comments and, for those of the add-in,
 * where they are (Excel finds a comment by cell only by failing when there is none). Load, sync twice.
 */
async function existingComments(context: Excel.RequestContext, sheet: Excel.Worksheet, cells: readonly Cell[]): Promise<Existing> {
  const comments = sheet.comments;
  comments.load('items/content');
  await context.sync();
  const located = comments.items.map((comment) => {
    const location = comment.getLocation();
    location.load('address');
    return { comment, location };
  });
  await context.sync();
  const touched = new Set(cells.map((c) => bare(c.range.address)));
  const here = located.filter((c) => touched.has(bare(c.location.address)));
  return {
    ours: here.filter((c) => c.comment.content.startsWith(notePrefix)).map((c) => c.comment),
    theirs: new Set(here.filter((c) => !c.comment.content.startsWith(notePrefix)).map((c) => bare(c.location.address))),
  };
}

/** The cells marked now and those to clear, each with its address loaded (queued, not synced). */
function touchedCells(body: Excel.Range, marks: readonly CellMark[], clear: { rows: readonly number[]; columnCount: number }): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  const cell = (row: number, column: number) => {
    const key = `${row}:${column}`;
    if (cells.has(key)) return;
    const range = body.getCell(row, column);
    range.load('address');
    cells.set(key, { row, column, range });
  };
  for (const row of clear.rows) for (let column = 0; column < clear.columnCount; column++) cell(row, column);
  for (const m of marks) cell(m.row, m.column);
  return cells;
}

/**
 * Marks cells (fill + a note or comment with the reason) and clears earlier marks from the given
 * rows: the fill, and the notes or comments the add-in left there. A cell that holds the official's
 * own note or comment keeps it (Excel holds one per cell) and gets the fill alone.
 */
export async function markCells(
  host: ExcelHost,
  supports: Supports,
  tableName: string,
  marks: readonly CellMark[],
  clear: { rows: readonly number[]; columnCount: number },
): Promise<NoteMode> {
  const mode = noteMode(supports);
  await host.run(async (context) => {
    const table = context.workbook.tables.getItem(tableName);
    const cells = touchedCells(table.getDataBodyRange(), marks, clear);
    await context.sync();
    const list = [...cells.values()];
    const none: Existing = { ours: [], theirs: new Set() };
    const existing = mode === 'notes' ? await existingNotes(context, list) : mode === 'comments' ? await existingComments(context, table.worksheet, list) : none;

    const quieted = quiet(context, supports);
    for (const old of existing.ours) old.delete();
    const marked = new Set(marks.map((m) => `${m.row}:${m.column}`));
    for (const c of list) if (!marked.has(`${c.row}:${c.column}`)) c.range.format.fill.clear();
    for (const m of marks) {
      const c = cells.get(`${m.row}:${m.column}`)!;
      c.range.format.fill.color = markColours[m.kind];
      if (existing.theirs.has(bare(c.range.address))) continue;
      if (mode === 'notes') context.workbook.notes.add(c.range, notePrefix + m.text);
      else if (mode === 'comments') context.workbook.comments.add(c.range, notePrefix + m.text);
    }
    await context.sync();
    await loud(context, quieted);
  });
  return mode;
}

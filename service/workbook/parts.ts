import { entryText, readZipDirectory, type ZipEntry, type ZipSource } from './zip.ts';
import { unreadable } from './errors.ts';

/** What the import needs from an .xlsx beyond what exceljs' streaming reader gives. */
export interface WorkbookParts {
  date1904: boolean;
  sheets: { name: string; path: string; entry: ZipEntry | undefined }[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function xmlDecode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return entities[e] ?? all;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out.set(m[1] as string, xmlDecode(m[3] ?? m[4] ?? ''));
  return out;
}

/**
 * Sheet names, their parts, and the date system, from xl/workbook.xml and its relationships, each
 * inflated no further than `maxPartBytes`.
 */
export async function readWorkbookParts(source: ZipSource, maxPartBytes: number, file = 'workbook.xlsx'): Promise<WorkbookParts & { entries: Map<string, ZipEntry> }> {
  let entries: Map<string, ZipEntry>;
  try {
    entries = await readZipDirectory(source);
  } catch (error) {
    throw unreadable(file, (error as Error).message);
  }
  const workbook = entries.get('xl/workbook.xml');
  if (!workbook) throw unreadable(file, 'no xl/workbook.xml');
  const xml = await entryText(source, workbook, maxPartBytes);
  const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
  const rels = new Map<string, string>();
  if (relsEntry) {
    for (const m of (await entryText(source, relsEntry, maxPartBytes)).matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
      const a = attributes(m[0]);
      const id = a.get('Id');
      const target = a.get('Target');
      if (id && target) rels.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
    }
  }
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(xml);
  const flag = pr ? attributes(pr[0]).get('date1904') : undefined;
  const date1904 = flag === '1' || flag === 'true';
  const sheets: WorkbookParts['sheets'] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = attributes(m[0]);
    const rid = [...a.entries()].find(([k]) => k === 'r:id' || k.endsWith(':id'))?.[1];
    const path = (rid && rels.get(rid)) ?? '';
    sheets.push({ name: a.get('name') ?? '', path, entry: entries.get(path) });
  }
  return { date1904, sheets, entries };
}

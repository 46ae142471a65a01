import { kinds, type Kind } from '../../../domain/index.ts';
import type { Readers } from '../readers.ts';
import { quotedIdentifier, rowsTable } from '../sql.ts';

/**
 * Which dongs (or units above them) each kind's rows changed in since the service began to ask:
 * for every unit, the newest revision a version of its rows was stored at. The writer tells it what
 * each group it commits changed (`committed`); what it was not told, it reads from the rows
 * themselves. An edit that moves a row to another dong counts for the dong it left too (the writer
 * knows the version it replaced; a read finds the older versions in `<kind>_history`), so a
 * comparison of the dong it left is not kept.
 *
 * It reads only what was committed after what it knows (one read at a time, shared by everyone
 * asking meanwhile) and keeps one number per unit, so it stays as small as the country.
 */
export class ChangedUnits {
  /** Changes after this revision are known; before it, nothing is (answers begun earlier are not kept). */
  private base: number | undefined;
  /** The revision each kind last changed at, as of `base`: no change of a kind lies between it and `base`. */
  private kindAtBase: Partial<Record<Kind, number>> = {};
  /** Read up to this revision. */
  private seen = 0;
  private readonly newest = new Map<Kind, Map<string, number>>(kinds.map((k) => [k, new Map()]));
  private reading: Promise<void> | undefined;

  constructor(
    private readonly readers: Readers,
    /** The highest revision committed (published only once committed). */
    private readonly revision: () => number,
    /** The revision each kind's rows last changed at. */
    private readonly revisionOf: (kind: Kind) => number,
  ) {}

  /** Changes are known from now on (the store calls it once it is open). */
  begin(): void {
    if (this.base !== undefined) return;
    this.base = this.seen = this.revision();
    this.kindAtBase = Object.fromEntries(kinds.map((k) => [k, this.revisionOf(k)]));
  }

  /**
   * What a commit of the writer changed, as the writer knows it (the units of each kind it wrote
   * versions of, and of the versions those replace), over the revisions (after, upTo]: taken as
   * read when every change up to `after` is known already, so an answer brought up to date under
   * constant syncs reads nothing to learn which dongs changed (under `npm run load` that read waited
   * ~60 ms at the median, on the path of every such answer); otherwise the next read learns it.
   */
  committed(after: number, upTo: number, units: ReadonlyMap<Kind, ReadonlySet<string>>): void {
    if (this.base === undefined || this.seen !== after || upTo <= after) return;
    for (const [kind, changed] of units) {
      const newest = this.newest.get(kind)!;
      for (const unit of changed) if ((newest.get(unit) ?? 0) < upTo) newest.set(unit, upTo);
    }
    this.seen = upTo;
  }

  /**
   * Whether a unit of `kind` for which `inScope` holds has rows changed in (after, upTo]. True when
   * that cannot be known (the span begins before the first question, or the read fails): the
   * answer is then computed again, never kept wrongly.
   */
  async touched(kind: Kind, after: number, upTo: number, inScope: (unit: string) => boolean): Promise<boolean> {
    const units = await this.changedSince(kind, after, upTo);
    return units === undefined || [...units].some(inScope);
  }

  /**
   * The units with rows of `kind` changed in (after, upTo] — and any changed after `upTo` already
   * read — or undefined when that cannot be known (as `touched`).
   */
  async changedSince(kind: Kind, after: number, upTo: number): Promise<Set<string> | undefined> {
    if (upTo <= after) return new Set();
    if (!(await this.readUpTo(kind, after, upTo))) return undefined;
    const units = new Set<string>();
    for (const [unit, revision] of this.newest.get(kind)!) if (revision > after) units.add(unit);
    return units;
  }

  /**
   * Whether the changes of `kind` in (after, upTo] are all known (none lies before `base` after
   * `after`), reading what was committed since the last read.
   */
  private async readUpTo(kind: Kind, after: number, upTo: number): Promise<boolean> {
    this.begin();
    if (after < this.base! && after < this.kindAtBase[kind]!) return false;
    try {
      while (this.seen < upTo) {
        this.reading ??= this.read().finally(() => (this.reading = undefined));
        await this.reading;
      }
    } catch {
      return false;
    }
    return true;
  }

  /**
   * The units with versions after `seen`. Versions beyond the revision published now are read too
   * (committed, not yet published: a version stored at one revision may already have moved to the
   * history behind a newer one, and the newer one names it), so nothing between is missed.
   */
  private async read(): Promise<void> {
    const after = this.seen;
    const upTo = this.revision();
    if (upTo <= after) return;
    const sql = kinds
      .map((kind) => {
        const history = quotedIdentifier(`${kind}_history`);
        return `SELECT '${kind}' AS kind, c.dong, max(c.revision) AS revision FROM ${rowsTable(kind)} c
                WHERE c.revision > $after GROUP BY c.dong
                UNION ALL
                SELECT '${kind}', h.dong, max(c.revision) FROM ${rowsTable(kind)} c JOIN ${history} h ON h.rowId = c.rowId
                WHERE c.revision > $after GROUP BY h.dong`;
      })
      .join('\nUNION ALL\n');
    const rows = (await this.readers.rows(sql, { after })) as { kind: Kind; dong: string; revision: number | bigint }[];
    for (const { kind, dong, revision } of rows) {
      const units = this.newest.get(kind)!;
      units.set(dong, Math.max(units.get(dong) ?? 0, Number(revision)));
    }
    this.seen = Math.max(this.seen, upTo);
  }
}

// Writing quietly: no recalculation until the sync and, from ExcelApi 1.8, no events from our own
// writes (an official's macros or other add-ins must not react to a sync's row ids and marks).
// ExcelApi 1.9's screen-updating pause is taken where the host has it.

/** Whether the host supports ExcelApi `version` (1.x). */
export type Supports = (version: string) => boolean;

/** Quiet the workbook while writing; answers whether events were turned off (to turn them on again). */
export function quiet(context: Excel.RequestContext, supports: Supports): boolean {
  context.application.suspendApiCalculationUntilNextSync();
  if (supports('1.9')) context.application.suspendScreenUpdatingUntilNextSync();
  if (!supports('1.8')) return false;
  context.runtime.enableEvents = false;
  return true;
}

export async function loud(context: Excel.RequestContext, quieted: boolean): Promise<void> {
  if (!quieted) return;
  context.runtime.enableEvents = true;
  await context.sync();
}

/** A sheet name and the names to use instead when a sheet of that name exists: `예산집행 (2)`, … */
export function freeNameCandidates(base: string, count = 10): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base.slice(0, 31 - ` (${i + 1})`.length)} (${i + 1})`));
}

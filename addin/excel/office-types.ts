/// <reference types="office-js" />
// Office.js as Microsoft types it (@types/office-js): the Excel layer names `Excel.Range`,
// `Excel.RequestContext`, … from there, so a call Excel does not have fails the typecheck. This file
// keeps only what is ours: where the globals are read (office.js loads from Microsoft's CDN after the
// pane, or never in a plain browser) and the host the layer is given (the real one, or the strict fake
// of the tests, held to the same `Excel.RequestContext`).

/** What the layer needs from the host: Excel.run and the requirement-set check. */
export interface ExcelHost {
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  isSetSupported(name: string, version: string): boolean;
}

/** Office.context.document.settings: name-value pairs kept in the workbook's own file. */
export type DocumentSettings = Pick<Office.Settings, 'get' | 'set' | 'saveAsync'>;

/** office.js's globals; undefined until (and unless) office.js has loaded. */
export interface OfficeGlobals {
  Excel?: Pick<typeof Excel, 'run'>;
  Office?: typeof Office;
}

/** The globals as they are now (office.js loads after the pane, so read them when needed). */
export const officeGlobals = (): OfficeGlobals => globalThis as OfficeGlobals;

/** The real host: office.js's globals, read when called (they load after the pane). */
export function officeHost(): ExcelHost {
  const g = officeGlobals();
  return {
    run(batch) {
      if (!g.Excel) throw new Error('Excel is not available (office.js not loaded or the host is not Excel).');
      return g.Excel.run(batch);
    },
    isSetSupported(name, version) {
      // Office.context exists only once office.js is ready, whatever the types say.
      return g.Office?.context?.requirements?.isSetSupported(name, version) ?? false;
    },
  };
}

// The open workbook as Office.context.document shows it: its settings (kept in the file) and its URL.
// Everything here degrades to undefined in a plain browser.
import { officeGlobals, type DocumentSettings } from './office-types.ts';

export type { DocumentSettings };

function officeDocument() {
  return officeGlobals().Office?.context?.document;
}

/** The workbook's settings, or undefined outside Office. */
export function documentSettings(): DocumentSettings | undefined {
  const settings = officeDocument()?.settings;
  return settings && typeof settings.get === 'function' && typeof settings.set === 'function' ? settings : undefined;
}

/** Saves the settings into the workbook; never throws (a failed save keeps them for the session). */
export function saveSettings(settings: DocumentSettings): Promise<void> {
  return new Promise((resolve) => {
    try {
      settings.saveAsync(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** The workbook's URL (Office.context.document.url), or undefined. */
export function workbookUrl(): string | undefined {
  const url = officeDocument()?.url;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/** The open workbook's file name (the URL's last part), for each row's source. */
export function workbookName(): string | undefined {
  const url = workbookUrl();
  if (url === undefined) return undefined;
  const last = url.split(/[\\/]/).pop() ?? '';
  try {
    return decodeURIComponent(last.split('?')[0]!).slice(0, 200) || undefined;
  } catch {
    return last.slice(0, 200) || undefined;
  }
}

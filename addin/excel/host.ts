// Where the task pane runs: inside Excel (office.js loaded, host Excel) or in a plain browser.
// office.js comes from Microsoft's CDN; when it is missing, blocked, or never gets ready, the page
// must not wait forever, so Office.onReady races a timeout.

import { officeGlobals } from './office-types.ts';

export interface HostInfo {
  /** office.js loaded and ready (in Office or not). */
  office: boolean;
  /** Running inside Excel: workbook features are available. */
  excel: boolean;
  /** Office's display language (e.g. ko-KR), when Office gives one. */
  displayLanguage: string | null;
  platform: string | null;
}

const plainBrowser: HostInfo = { office: false, excel: false, displayLanguage: null, platform: null };

function officeGlobal(): typeof Office | undefined {
  const office = officeGlobals().Office;
  return office && typeof office.onReady === 'function' ? office : undefined;
}

/** Resolves once office.js is ready, or at once / after `timeoutMs` in a plain browser. */
export async function detectHost(timeoutMs = 4000): Promise<HostInfo> {
  const office = officeGlobal();
  if (!office) return plainBrowser;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const info = await Promise.race([office.onReady().catch(() => null), timeout]);
    if (!info) return plainBrowser;
    // Office.HostType.Excel is the string 'Excel'; a stand-in office.js may lack the enum.
    const excelHost = String(office.HostType?.Excel ?? 'Excel');
    return {
      office: true,
      excel: String(info.host) === excelHost,
      displayLanguage: office.context?.displayLanguage ?? null,
      platform: info.platform ? String(info.platform) : null,
    };
  } finally {
    clearTimeout(timer);
  }
}

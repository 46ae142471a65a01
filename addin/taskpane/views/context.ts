// What every view is given when it is mounted.
import type { ApiClient, Meta } from '../api.ts';
import type { HostInfo } from '../../excel/host.ts';
import type { Locale, Strings } from '../i18n.ts';
import type { Live } from '../live.ts';

export interface ViewContext {
  api: ApiClient;
  meta: Meta;
  host: HostInfo;
  locale: Locale;
  t: Strings;
  /** Changes committed elsewhere (GET /api/events); absent where the pane is not live (tests of one view). */
  live?: Live;
}

/** A view draws itself into `el`; it may return a function that tears it down. */
export type MountView = (el: HTMLElement, ctx: ViewContext) => void | (() => void);

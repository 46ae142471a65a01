// 동기화: the sync view. The sync engine (addin/sync/) and the Excel layer (addin/excel/) fill this in;
// until then, and always in a plain browser, it says where syncing happens.
import { h } from '../ui/dom.ts';
import type { ViewContext } from './context.ts';

export function mountSyncView(el: HTMLElement, ctx: ViewContext): void {
  el.replaceChildren(
    h('fluent-message-bar', { intent: 'info', class: 'notice' }, ctx.host.excel ? ctx.t.syncComing : ctx.t.syncNeedsExcel),
  );
}

// The task pane: sign in with a token, then the views (동기화 · 요약 · 비교 · 질의) under tabs.
import { ApiClient, ApiError, type Meta, type MetaWho } from './api.ts';
import { readerRoles } from '../../domain/roles.ts';
import type { HostInfo } from '../excel/host.ts';
import { chooseLocale, roleNames, strings, type Locale, type Strings } from './i18n.ts';
import { clearToken, loadToken, saveToken, tokenRemembered } from './session.ts';
import { Live } from './live.ts';
import { signInAgainEvent } from './views/results.ts';
import { h } from './ui/dom.ts';
import type { MountView, ViewContext } from './views/context.ts';
import { mountCompareView } from './views/compare.ts';
import { mountQueryView } from './views/query.ts';
import { mountSummaryView } from './views/summary.ts';
import { mountSyncView } from './views/sync.ts';
import { mountUploadView } from './views/upload.ts';

export interface AppOptions {
  root: HTMLElement;
  host: HostInfo;
  /** Where the service is; the page's own origin by default. */
  baseUrl?: string;
}

export function whoAmI(meta: Meta): MetaWho | null {
  return meta.me;
}

export function scopeText(meta: Meta, who: MetaWho | null, t: Strings): string {
  if (who?.dong) return meta.dongs.find((d) => d.code === who.dong || d.name === who.dong)?.name ?? who.dong;
  if (who?.district) {
    const district = meta.districts.find((d) => d.code === who.district);
    return t.scopeDistrict(district?.name ?? who.district);
  }
  // A reader limited to one city reads that city's dongs, not every dong of the service.
  if (who && readerRoles.includes(who.role)) return who.city ? t.scopeCity(meta.cities.find((c) => c.code === who.city)?.name ?? who.city) : t.scopeAll;
  return t.scopeDongs(meta.dongs.length);
}

type TabId = 'sync' | 'summary' | 'compare' | 'query' | 'upload';

const tabs: { id: TabId; label: (t: Strings) => string; mount: MountView }[] = [
  { id: 'sync', label: (t) => t.tabSync, mount: mountSyncView },
  { id: 'summary', label: (t) => t.tabSummary, mount: mountSummaryView },
  { id: 'compare', label: (t) => t.tabCompare, mount: mountCompareView },
  { id: 'query', label: (t) => t.tabQuery, mount: mountQueryView },
  { id: 'upload', label: (t) => t.tabUpload, mount: mountUploadView },
];

/**
 * The tabs each role may use, the first its opening view (README, "Roles and tokens"): officials keep their
 * sheets and read the figures; analysts compare and query but write nothing; managers read the
 * summary first and write the city's own rows; SQL is for analysts and managers only. 파일 올리기
 * (a workbook or CSV without the add-in) is for those who may import.
 */
export const tabsOfRole: Record<string, readonly TabId[]> = {
  dong: ['sync', 'summary', 'compare', 'upload'],
  district: ['sync', 'summary', 'compare', 'upload'],
  manager: ['summary', 'compare', 'query', 'sync'],
  analyst: ['compare', 'query', 'summary'],
  admin: ['summary', 'compare', 'sync', 'upload'],
};

const errorMessage = (error: unknown, locale: Locale) => (error instanceof ApiError ? error.text[locale] : error instanceof Error ? error.message : String(error));

const hostNote = (host: HostInfo, t: Strings) => h('p', { class: 'host-note muted' }, host.excel ? t.inExcel : t.plainBrowser);

/** The sign-in form: a token (kept as typed after a failure), stay signed in, and the error that led here. */
function signInForm(t: Strings, locale: Locale, submit: (token: string, remember: boolean) => void, error?: unknown, token = ''): { form: HTMLElement; input: HTMLInputElement } {
  // A native input (styled with Fluent's tokens): its <label for> is what assistive technology and
  // test tools (getByLabel('토큰')) see; fluent-text-input keeps its label inside its shadow root.
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-hint' });
  input.value = token;
  const remember = h('input', { id: 'remember', name: 'remember', type: 'checkbox' });
  remember.checked = tokenRemembered();
  const message = h('div', { 'aria-live': 'assertive' }, error ? h('fluent-message-bar', { intent: 'error', class: 'notice', role: 'alert' }, errorMessage(error, locale)) : null);
  const button = h('fluent-button', { role: 'button', type: 'submit', appearance: 'primary' }, t.signIn);
  const form = h('form', {
    class: 'sign-in card',
    'aria-labelledby': 'sign-in-title',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const value = input.value.trim();
      if (!value) {
        message.replaceChildren(h('fluent-message-bar', { intent: 'warning', class: 'notice', role: 'alert' }, t.tokenMissing));
        input.focus();
        return;
      }
      button.setAttribute('disabled', '');
      message.replaceChildren(h('p', { role: 'status' }, t.signingIn));
      submit(value, remember.checked);
    },
  });
  form.append(
    h('h1', { id: 'sign-in-title' }, t.appTitle),
    h('div', { class: 'field' }, h('label', { for: 'token' }, t.tokenLabel), input),
    h('p', { id: 'token-hint', class: 'muted' }, t.tokenHint),
    h('div', { class: 'check' }, remember, h('label', { for: 'remember' }, t.staySignedIn)),
    button,
    message,
  );
  return { form, input };
}

/** The header: the app's name, who is signed in with what scope, and 로그아웃. */
function appHeader(ctx: ViewContext, signOut: () => void): HTMLElement {
  const { t, locale } = ctx;
  const who = whoAmI(ctx.meta);
  const role = who ? (roleNames[locale][who.role] ?? who.role) : null;
  const scope = scopeText(ctx.meta, who, t);
  return h(
    'header',
    { class: 'app-header' },
    h('div', {}, h('h1', {}, t.appTitle), h('p', { class: 'who', 'data-testid': 'who' }, role ? t.signedInAs(role, scope) : scope)),
    h('fluent-button', { role: 'button', appearance: 'subtle', onclick: signOut }, t.signOut),
  );
}

/**
 * The role's tabs and their panels; a view is mounted the first time its tab opens, its teardown
 * handed to `keep`. `open` mounts the first view, once the panels are in the document.
 */
function viewTabs(ctx: ViewContext, keep: (teardown: () => void) => void): { nodes: Node[]; open: () => void } {
  const { t } = ctx;
  const who = whoAmI(ctx.meta);
  // Only the tabs the role can use, the role's first view first.
  const allowed = tabsOfRole[who?.role ?? ''] ?? tabsOfRole.dong!;
  const shown = tabs.filter((tab) => allowed.includes(tab.id)).sort((a, b) => allowed.indexOf(a.id) - allowed.indexOf(b.id));
  // In Excel the add-in is for keeping sheets (동기화), except for a manager, who reads 요약 first.
  const initial = ctx.host.excel && allowed.includes('sync') && who?.role !== 'manager' ? 'sync' : (allowed.find((id) => id !== 'sync') ?? allowed[0]!);
  const mounted = new Set<string>();
  const panels = shown.map((tab) =>
    h('section', { id: `panel-${tab.id}`, role: 'tabpanel', 'aria-labelledby': `tab-${tab.id}`, class: 'panel', tabindex: 0, hidden: tab.id !== initial }),
  );
  const activate = (id: string) => {
    const index = shown.findIndex((tab) => `tab-${tab.id}` === id || tab.id === id);
    const tab = shown[index];
    const panel = panels[index];
    if (!tab || !panel) return;
    for (const p of panels) p.hidden = p !== panel;
    if (mounted.has(tab.id)) return;
    mounted.add(tab.id);
    const cleanup = tab.mount(panel, ctx);
    if (cleanup) keep(cleanup);
  };
  const tablist = h(
    'fluent-tablist',
    { 'aria-label': t.views, activeid: `tab-${initial}`, class: 'tabs' },
    ...shown.map((tab) => h('fluent-tab', { id: `tab-${tab.id}`, 'aria-controls': `panel-${tab.id}` }, tab.label(t))),
  );
  tablist.addEventListener('change', () => activate((tablist as HTMLElement & { activeid?: string }).activeid ?? ''));
  return { nodes: [tablist, h('div', { class: 'panels' }, ...panels)], open: () => activate(initial) };
}

export function startApp({ root, host, baseUrl }: AppOptions): void {
  const locale: Locale = chooseLocale(host.displayLanguage, location.search);
  const t = strings[locale];
  document.documentElement.lang = locale;
  document.title = t.appTitle;
  let teardown: (() => void)[] = [];

  const show = (...children: Node[]) => {
    for (const fn of teardown) fn();
    teardown = [];
    root.replaceChildren(...children);
    root.removeAttribute('aria-busy');
  };

  const showSignIn = (error?: unknown, token = '') => {
    const { form, input } = signInForm(t, locale, (value, remember) => void signIn(value, true, remember), error, token);
    show(h('main', { class: 'sign-in-page' }, hostNote(host, t), form));
    requestAnimationFrame(() => input.focus());
  };

  /** `remember`: keep the token beyond this session (as it was kept, for a remembered one). */
  const signIn = async (token: string, typed: boolean, remember = tokenRemembered()) => {
    const api = new ApiClient({ token, baseUrl });
    try {
      const meta = await api.meta();
      saveToken(token, remember);
      // Live: views refresh when a change they may see commits; a token revoked meanwhile leads back to sign-in.
      const live = new Live({
        token,
        baseUrl,
        onRefused: () => {
          clearToken();
          showSignIn(new ApiError('invalid_token', 401, { ko: t.tokenRevoked, en: strings.en.tokenRevoked }));
        },
      });
      showShell({ api, meta, host, locale, t, live });
      live.start();
      teardown.push(() => live.stop());
    } catch (error) {
      // A refused token is forgotten; a network failure keeps it for the next try.
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) clearToken();
      showSignIn(error, typed && !(error instanceof ApiError && error.status === 401) ? token : '');
    }
  };

  const signOut = () => {
    clearToken();
    showSignIn();
  };
  const showShell = (ctx: ViewContext) => {
    const views = viewTabs(ctx, (fn) => teardown.push(fn));
    show(appHeader(ctx, signOut), h('main', {}, hostNote(host, t), ...views.nodes));
    views.open();
  };

  document.addEventListener(signInAgainEvent, signOut);

  const remembered = loadToken();
  if (remembered) {
    root.replaceChildren(h('p', { role: 'status', class: 'boot' }, t.signingIn));
    void signIn(remembered, false);
  } else showSignIn();
}

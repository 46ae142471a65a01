// Entry of taskpane.html: Fluent UI's theme and components, then the app once the host is known.
import { webLightTheme } from '@fluentui/tokens';
import { setTheme } from '@fluentui/web-components';
import '@fluentui/web-components/badge.js';
import '@fluentui/web-components/button.js';
import '@fluentui/web-components/message-bar.js';
import '@fluentui/web-components/spinner.js';
import '@fluentui/web-components/tab.js';
import '@fluentui/web-components/tablist.js';
import { startApp } from './app.ts';
import { detectHost } from '../excel/host.ts';
import './styles.css';

setTheme(webLightTheme);

const root = document.getElementById('app');
if (root) {
  const host = await detectHost();
  startApp({ root, host });
}

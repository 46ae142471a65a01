// Function file of the ribbon. The button is a ShowTaskpane action, so there is nothing to register;
// Office still expects the file to call Office.onReady.
import { detectHost } from '../excel/host.ts';

void detectHost();

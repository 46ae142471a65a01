// Writes the Excel add-in manifest for one origin (where the service serves the task pane).
//
//   node --import tsx scripts/manifest.ts                      # https://localhost:3000, to stdout
//   node --import tsx scripts/manifest.ts --origin https://jachi.example.go.kr > manifest.prod.xml
//   node --import tsx scripts/manifest.ts --write              # regenerates manifest.xml at the repo root
//
// The committed manifest.xml is this script's output for the development origin; a test checks so.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const devOrigin = 'https://localhost:3000';

/** The add-in's identity: keep the id stable, raise the version for every store release. */
export const addinId = '6f1c2b7e-4a3d-4f0e-9b2a-7d5c1e8a9b30';
export const addinVersion = '1.0.0.0';

export interface ManifestOptions {
  /** Scheme, host and port the service is reachable at, e.g. https://jachi.example.go.kr. */
  origin?: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Checks and normalises an origin: https (Office refuses plain http except on localhost), no path. */
export function parseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`Not a URL: ${origin}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) throw new Error(`The origin must use https: ${origin}`);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error(`Give the origin only (no path): ${origin}`);
  return url.origin;
}

/** The ribbon button that opens the task pane, its icons, URLs and strings (the manifest's VersionOverrides). */
function versionOverrides(origin: string, icon: (size: number) => string): string {
  return `  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="GetStarted.Title"/>
            <Description resid="GetStarted.Description"/>
            <LearnMoreUrl resid="Taskpane.Url"/>
          </GetStarted>
          <FunctionFile resid="Commands.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="Jachi.Group">
                <Label resid="Group.Label"/>
                <Icon>
                  <bt:Image size="16" resid="Icon.16"/>
                  <bt:Image size="32" resid="Icon.32"/>
                  <bt:Image size="80" resid="Icon.80"/>
                </Icon>
                <Control xsi:type="Button" id="Jachi.TaskpaneButton">
                  <Label resid="TaskpaneButton.Label"/>
                  <Supertip>
                    <Title resid="TaskpaneButton.Label"/>
                    <Description resid="TaskpaneButton.Tooltip"/>
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="Icon.16"/>
                    <bt:Image size="32" resid="Icon.32"/>
                    <bt:Image size="80" resid="Icon.80"/>
                  </Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>JachiTaskpane</TaskpaneId>
                    <SourceLocation resid="Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Icon.16" DefaultValue="${icon(16)}"/>
        <bt:Image id="Icon.32" DefaultValue="${icon(32)}"/>
        <bt:Image id="Icon.80" DefaultValue="${icon(80)}"/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Taskpane.Url" DefaultValue="${origin}/taskpane.html"/>
        <bt:Url id="Commands.Url" DefaultValue="${origin}/commands.html"/>
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="GetStarted.Title" DefaultValue="자치 장부를 시작하세요">
          <bt:Override Locale="en-US" Value="Get started with Jachi Ledger"/>
        </bt:String>
        <bt:String id="Group.Label" DefaultValue="자치 장부">
          <bt:Override Locale="en-US" Value="Jachi Ledger"/>
        </bt:String>
        <bt:String id="TaskpaneButton.Label" DefaultValue="자치 장부 열기">
          <bt:Override Locale="en-US" Value="Open Jachi Ledger"/>
        </bt:String>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="GetStarted.Description" DefaultValue="홈 탭의 [자치 장부 열기] 단추를 눌러 작업창을 여세요.">
          <bt:Override Locale="en-US" Value="Open the task pane with the Open Jachi Ledger button on the Home tab."/>
        </bt:String>
        <bt:String id="TaskpaneButton.Tooltip" DefaultValue="예산집행·주민참여·추진현황 시트를 동기화하고 동별 비교를 봅니다.">
          <bt:Override Locale="en-US" Value="Sync the spending, participation and progress sheets and compare dongs."/>
        </bt:String>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
`;
}

export function renderManifest(options: ManifestOptions = {}): string {
  const origin = xmlEscape(parseOrigin(options.origin ?? devOrigin));
  const icon = (size: number) => `${origin}/assets/icon-${size}.png`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Jachi Ledger (자치 장부) Excel add-in. Generated by scripts/manifest.ts for ${origin}. -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xsi:type="TaskPaneApp">
  <Id>${addinId}</Id>
  <Version>${addinVersion}</Version>
  <ProviderName>Jachi Ledger</ProviderName>
  <DefaultLocale>ko-KR</DefaultLocale>
  <DisplayName DefaultValue="자치 장부">
    <Override Locale="en-US" Value="Jachi Ledger"/>
  </DisplayName>
  <Description DefaultValue="주민자치회 예산집행·주민참여·추진현황을 엑셀에서 기록하고 서비스와 동기화합니다.">
    <Override Locale="en-US" Value="Keep resident autonomy council spending, participation and progress in Excel and sync them with the service."/>
  </Description>
  <IconUrl DefaultValue="${icon(32)}"/>
  <HighResolutionIconUrl DefaultValue="${icon(64)}"/>
  <SupportUrl DefaultValue="${origin}/taskpane.html"/>
  <AppDomains>
    <AppDomain>${origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.7">
      <Set Name="ExcelApi" MinVersion="1.7"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="${origin}/taskpane.html"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
${versionOverrides(origin, icon)}</OfficeApp>
`;
}

function main(argv: string[]): void {
  let origin: string | undefined;
  let write = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--origin') origin = argv[++i];
    else if (arg?.startsWith('--origin=')) origin = arg.slice('--origin='.length);
    else if (arg === '--write') write = true;
    else throw new Error(`Unknown argument: ${arg}\nUsage: scripts/manifest.ts [--origin https://host[:port]] [--write]`);
  }
  const xml = renderManifest({ origin });
  if (write) writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'manifest.xml'), xml);
  else process.stdout.write(xml);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

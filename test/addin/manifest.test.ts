import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iconSizes } from '../../scripts/icons.ts';
import { devOrigin, parseOrigin, renderManifest } from '../../scripts/manifest.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// CI places shared/ beside the clone.
const schema = resolve(root, '..', 'shared', 'schemas', 'office-addin-manifest', 'OfficeAppManifestV1_1.xsd');
const manifestPath = join(root, 'manifest.xml');

function xmllint(file: string): { status: number | null; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
  if (run.error) throw new Error(`xmllint could not run (apt-get install libxml2-utils): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function writeTemp(xml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jachi-manifest-')), 'manifest.xml');
  writeFileSync(file, xml);
  return file;
}

/** resid values used anywhere that no bt:Image / bt:Url / bt:String in <Resources> defines. */
function undefinedResids(xml: string): string[] {
  const resources = /<Resources>([\s\S]*?)<\/Resources>/.exec(xml)?.[1] ?? '';
  const defined = new Set([...resources.matchAll(/<bt:(?:Image|Url|String)\s[^>]*\bid="([^"]+)"/g)].map((m) => m[1]));
  const used = [...xml.matchAll(/\bresid="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(used.filter((id) => !defined.has(id)))];
}

describe('manifest.xml', () => {
  const xml = readFileSync(manifestPath, 'utf8');

  it('finds the schema beside the clone', () => {
    expect(existsSync(schema), schema).toBe(true);
  });

  it('validates against the Office add-in manifest schema', () => {
    const run = xmllint(manifestPath);
    expect(run.output).toContain('validates');
    expect(run.status).toBe(0);
  });

  it('defines every resid in Resources', () => {
    expect(xml).toMatch(/resid="/);
    expect(undefinedResids(xml)).toEqual([]);
  });

  it('is what scripts/manifest.ts writes for the development origin', () => {
    expect(xml).toBe(renderManifest());
    expect(xml).toContain(`${devOrigin}/taskpane.html`);
    expect(xml).toContain(`${devOrigin}/commands.html`);
  });

  it('is an Excel task pane with ExcelApi 1.7, a ShowTaskpane ribbon button and no <Runtimes>', () => {
    expect(xml).toContain('xsi:type="TaskPaneApp"');
    expect(xml).toContain('<Host Name="Workbook"/>');
    expect(xml).toContain('<Set Name="ExcelApi" MinVersion="1.7"/>');
    expect(xml).toContain('<OfficeTab id="TabHome">');
    expect(xml).toContain('<Action xsi:type="ShowTaskpane">');
    expect(xml).not.toContain('<Runtimes');
  });

  it('points at icons that are committed', () => {
    for (const [, size] of xml.matchAll(/\/assets\/icon-(\d+)\.png/g)) {
      expect(iconSizes).toContain(Number(size));
      const png = readFileSync(join(root, 'addin', 'public', 'assets', `icon-${size}.png`));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(Number(size));
    }
  });
});

describe('a manifest for another origin', () => {
  const origin = 'https://jachi.example.go.kr';

  it('validates and points only at that origin', () => {
    const xml = renderManifest({ origin });
    const run = xmllint(writeTemp(xml));
    expect(run.output).toContain('validates');
    expect(run.status).toBe(0);
    expect(undefinedResids(xml)).toEqual([]);
    expect(xml).not.toContain('localhost');
    const urls = [...xml.matchAll(/(?:="|>)(https?:\/\/[^"<]+)["<]/g)].map((m) => m[1]!);
    const origins = new Set(urls.filter((u) => !/schemas\.microsoft\.com|www\.w3\.org/.test(u)).map((u) => new URL(u).origin));
    expect([...origins]).toEqual([origin]);
  });

  it('comes from the command line, as the README documents', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'manifest.ts'), '--origin', 'https://jachi.example.go.kr:8443'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('https://jachi.example.go.kr:8443/taskpane.html');
    expect(xmllint(writeTemp(run.stdout)).status).toBe(0);
  });

  it('refuses plain http, paths and non-URLs', () => {
    expect(() => parseOrigin('http://jachi.example.go.kr')).toThrow(/https/);
    expect(() => parseOrigin('https://jachi.example.go.kr/addin')).toThrow(/origin only/);
    expect(() => parseOrigin('jachi')).toThrow(/Not a URL/);
    expect(parseOrigin('https://jachi.example.go.kr/')).toBe('https://jachi.example.go.kr');
  });
});

describe('the checks themselves', () => {
  it('catch a dangling resid', () => {
    expect(undefinedResids(renderManifest().replace('resid="Group.Label"', 'resid="Group.Missing"'))).toEqual(['Group.Missing']);
  });

  it('catch a schema error', () => {
    const broken = renderManifest().replace('<Permissions>ReadWriteDocument</Permissions>', '<Permissions>Everything</Permissions>');
    expect(xmllint(writeTemp(broken)).status).toBe(3);
  });
});

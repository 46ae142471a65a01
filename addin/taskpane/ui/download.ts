// Taking figures away from the pane: a file saved by the browser (a link clicked for the user), and
// the download buttons of tables and charts.
import { h, s } from './dom.ts';
import { csvText, xlsxBytes } from './xlsx.ts';

/** Saves `data` as a file named `name` (the browser's own download). */
export function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a title and today's date: "예산 집행 비교 2026-12-02". */
export function fileName(title: string, extension: string): string {
  const day = new Date().toLocaleDateString('sv-SE');
  return `${title.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'jachi'} ${day}.${extension}`;
}

export interface DownloadLabels {
  csv: string;
  xlsx: string;
  group: string;
}

/** "CSV" and "Excel" buttons for a table: its header and rows as the reader sees them (exact values). */
export function tableDownloads(title: string, header: () => string[], rows: () => unknown[][], labels: DownloadLabels): HTMLElement {
  return h(
    'div',
    { class: 'downloads', role: 'group', 'aria-label': labels.group },
    h('button', { type: 'button', class: 'download', onclick: () => saveFile(fileName(title, 'csv'), csvText(header(), rows()), 'text/csv;charset=utf-8') }, labels.csv),
    h(
      'button',
      {
        type: 'button',
        class: 'download',
        onclick: () =>
          saveFile(fileName(title, 'xlsx'), xlsxBytes(title, header(), rows()) as Uint8Array<ArrayBuffer>, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      },
      labels.xlsx,
    ),
  );
}

/** The chart as a standalone SVG: the page's styles of its text written onto it, so it reads the same elsewhere. */
export function standaloneSvg(svg: SVGElement): string {
  const copy = svg.cloneNode(true) as SVGElement;
  const from = svg.querySelectorAll<SVGElement>('text');
  copy.querySelectorAll<SVGElement>('text').forEach((text, i) => {
    const style = getComputedStyle(from[i]!);
    text.setAttribute('style', `font-family:${style.fontFamily};font-size:${style.fontSize};fill:${style.fill};font-weight:${style.fontWeight}`);
  });
  const box = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(box.width) || 340));
  copy.setAttribute('height', String(Math.round(box.height) || 200));
  // A white ground, as on the page.
  copy.insertBefore(s('rect', { width: '100%', height: '100%', fill: '#ffffff' }), copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** The chart as PNG at twice its size (drawn from the standalone SVG through a data: URL, which the page's policy allows). */
export async function chartPng(svg: SVGElement): Promise<Blob> {
  const text = standaloneSvg(svg);
  const image = new Image();
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  image.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth * 2;
  canvas.height = image.naturalHeight * 2;
  const context = canvas.getContext('2d')!;
  context.scale(2, 2);
  context.drawImage(image, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG'))), 'image/png'));
}

/** "PNG" and "SVG" buttons for a chart. */
export function chartDownloads(title: string, svg: () => SVGElement | null, labels: { png: string; svg: string; group: string }): HTMLElement {
  return h(
    'div',
    { class: 'downloads', role: 'group', 'aria-label': labels.group },
    h(
      'button',
      {
        type: 'button',
        class: 'download',
        onclick: async () => {
          const chart = svg();
          if (chart) saveFile(fileName(title, 'png'), await chartPng(chart), 'image/png');
        },
      },
      labels.png,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'download',
        onclick: () => {
          const chart = svg();
          if (chart) saveFile(fileName(title, 'svg'), standaloneSvg(chart), 'image/svg+xml');
        },
      },
      labels.svg,
    ),
  );
}

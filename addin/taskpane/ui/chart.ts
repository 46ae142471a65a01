// Grouped horizontal bar charts in SVG, one row per item and one bar per series: readable at the
// task pane's 320–360 px, and described for screen readers (role img, title, and the table beside it).
import { s, uid } from './dom.ts';

export interface BarItem {
  label: string;
  values: (number | null)[];
}

export interface BarChartOptions {
  title: string;
  series: string[];
  items: BarItem[];
  format: (value: number) => string;
  /** A reference value drawn as a dashed line (e.g. the city's median), with its label. */
  reference?: { value: number; label: string };
}

const palette = ['#8a6a00', '#0f6c5a', '#5b5fc7', '#c50f1f'];

export function barChart(options: BarChartOptions): SVGElement {
  const width = 340;
  const labelWidth = 92;
  const valueWidth = 84;
  const barHeight = 13;
  const barGap = 2;
  const rowGap = 8;
  const legendHeight = 24;
  const rowHeight = options.series.length * (barHeight + barGap) + rowGap;
  // Room below the bars for the reference line's label, clear of the bars and their values.
  const height = legendHeight + options.items.length * rowHeight + (options.reference ? 20 : 8);
  const values = options.items.flatMap((i) => i.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(0, ...values, options.reference?.value ?? 0);
  const min = Math.min(0, ...values);
  const plot = width - labelWidth - valueWidth;
  const x = (v: number) => labelWidth + ((v - min) / (max - min || 1)) * plot;

  const titleId = uid('chart-title');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-labelledby': titleId, class: 'chart' }, s('title', { id: titleId }, options.title));

  options.series.forEach((name, i) => {
    const lx = labelWidth + i * 90;
    svg.append(s('rect', { x: lx, y: 5, width: 11, height: 11, fill: palette[i % palette.length]! }), s('text', { x: lx + 15, y: 15, class: 'chart-text' }, name));
  });

  options.items.forEach((item, row) => {
    const top = legendHeight + row * rowHeight;
    const label = item.label.length > 7 ? `${item.label.slice(0, 6)}…` : item.label;
    svg.append(s('text', { x: labelWidth - 6, y: top + rowHeight / 2, 'text-anchor': 'end', class: 'chart-text' }, label));
    item.values.forEach((value, i) => {
      const y = top + i * (barHeight + barGap);
      if (value === null || !Number.isFinite(value)) {
        svg.append(s('text', { x: labelWidth + 2, y: y + barHeight - 2, class: 'chart-text chart-small' }, '–'));
        return;
      }
      const x0 = x(Math.min(0, value));
      const w = Math.max(1, Math.abs(x(value) - x(0)));
      svg.append(
        s(
          'rect',
          { x: x0, y, width: w, height: barHeight, fill: palette[i % palette.length]!, rx: 2 },
          s('title', {}, `${item.label} ${options.series[i] ?? ''}: ${options.format(value)}`),
        ),
        s('text', { x: x0 + w + 3, y: y + barHeight - 2, class: 'chart-text chart-small' }, options.format(value)),
      );
    });
  });

  if (options.reference) {
    const rx = x(options.reference.value);
    svg.append(
      s('line', { x1: rx, x2: rx, y1: legendHeight - 4, y2: height - 16, stroke: '#424242', 'stroke-dasharray': '3 3' }),
      s('text', { x: Math.min(rx + 3, width - 70), y: height - 1, class: 'chart-text chart-small' }, `${options.reference.label} ${options.format(options.reference.value)}`),
    );
  }
  return svg;
}

export interface SlopeItem {
  label: string;
  /** The earlier phase's value and the later one's (null where the dong has none). */
  from: number | null;
  to: number | null;
}

export interface SlopeChartOptions {
  title: string;
  /** The two phases' names, for the legend. */
  fromLabel: string;
  toLabel: string;
  items: SlopeItem[];
  format: (value: number) => string;
}

/**
 * Phase 1 → phase 2 per item as a dot chart: a hollow dot at the earlier value, a filled dot at the
 * later one, joined by a line coloured by its direction, the later value written beside it. One
 * row per item; readable at 320 px like the bar chart.
 */
export function slopeChart(options: SlopeChartOptions): SVGElement {
  const width = 340;
  const labelWidth = 92;
  const valueWidth = 84;
  const rowHeight = 20;
  const legendHeight = 24;
  const height = legendHeight + options.items.length * rowHeight + 8;
  const values = options.items.flatMap((i) => [i.from, i.to]).filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const plot = width - labelWidth - valueWidth;
  const x = (v: number) => labelWidth + ((v - min) / (max - min || 1)) * plot;
  const titleId = uid('chart-title');
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-labelledby': titleId, class: 'chart slope' },
    s('title', { id: titleId }, options.title),
  );
  const up = '#0f6c5a';
  const down = '#c50f1f';
  svg.append(
    s('circle', { cx: labelWidth + 6, cy: 10, r: 5, fill: '#fff', stroke: '#424242', 'stroke-width': 1.5 }),
    s('text', { x: labelWidth + 15, y: 15, class: 'chart-text' }, options.fromLabel),
    s('circle', { cx: labelWidth + 96, cy: 10, r: 5, fill: '#424242' }),
    s('text', { x: labelWidth + 105, y: 15, class: 'chart-text' }, options.toLabel),
  );
  options.items.forEach((item, row) => {
    const y = legendHeight + row * rowHeight + rowHeight / 2;
    const label = item.label.length > 7 ? `${item.label.slice(0, 6)}…` : item.label;
    svg.append(s('text', { x: labelWidth - 6, y: y + 4, 'text-anchor': 'end', class: 'chart-text' }, label));
    const described = `${item.label}: ${item.from === null ? '–' : options.format(item.from)} → ${item.to === null ? '–' : options.format(item.to)}`;
    if (item.from !== null && item.to !== null) {
      svg.append(s('line', { x1: x(item.from), x2: x(item.to), y1: y, y2: y, stroke: item.to >= item.from ? up : down, 'stroke-width': 2.5 }, s('title', {}, described)));
    }
    if (item.from !== null) svg.append(s('circle', { cx: x(item.from), cy: y, r: 4.5, fill: '#fff', stroke: '#424242', 'stroke-width': 1.5 }, s('title', {}, described)));
    if (item.to !== null) svg.append(s('circle', { cx: x(item.to), cy: y, r: 4.5, fill: '#424242' }, s('title', {}, described)));
    const last = item.to ?? item.from;
    svg.append(
      s(
        'text',
        { x: last === null ? labelWidth + 2 : Math.max(x(item.from ?? last), x(last)) + 8, y: y + 4, class: 'chart-text chart-small' },
        last === null ? '–' : options.format(last),
      ),
    );
  });
  return svg;
}

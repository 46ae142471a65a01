// addin/taskpane/ui/format.ts: every value reads in its unit (domain/metrics.ts units, sheet column types).
import { describe, expect, it } from 'vitest';
import { metrics } from '../../domain/metrics.ts';
import { columnFormat, formatChange, formatValue, unitFormat } from '../../addin/taskpane/ui/format.ts';

const show = (unit: string, value: unknown) => {
  const f = unitFormat(unit)!;
  return formatValue(value, f.kind, 'ko', f.suffix);
};

describe('values by unit', () => {
  it('rates in %, their changes in %p; per-1,000 figures as numbers with one decimal, never %', () => {
    expect(show('ratio', 0.785)).toBe('78.5%');
    expect(formatChange(-0.333, unitFormat('ratio')!.kind, 'ko')).toBe('−33.3%p');
    expect(show('per1000', 28.44)).toBe('28.4');
    expect(show('per1000', 1414.4)).toBe('1,414.4');
    expect(formatChange(8.9, unitFormat('per1000')!.kind, 'ko')).toBe('+8.9');
    expect(show('%', 78.5)).toBe('78.5%');
  });

  it('money of a million or more in 백만원, less in 원; counts with their unit', () => {
    expect(show('원', 156_000_000)).toBe('156.0백만원');
    expect(show('원', 999_999)).toBe('999,999원');
    expect(show('명', 1234)).toBe('1,234명');
    expect(show('건', 5)).toBe('5건');
    expect(show('일', 12.5)).toBe('12.5일');
    expect(formatValue(5, unitFormat('건')!.kind, 'en', unitFormat('건')!.suffix)).toBe('5');
  });

  it('years and phases without thousands separators', () => {
    expect(formatValue(2019, columnFormat('year')!.kind, 'ko')).toBe('2019');
    expect(formatValue(2, columnFormat('phase')!.kind, 'ko')).toBe('2');
    expect(formatValue(1_234_567, columnFormat('money')!.kind, 'ko')).toBe('1.2백만원');
  });

  it('knows every unit domain/metrics.ts uses', () => {
    for (const m of Object.values(metrics)) if (m.unit !== 'figure') expect(unitFormat(m.unit), m.name).toBeDefined();
    expect(unitFormat('constructor')).toBeUndefined();
  });
});

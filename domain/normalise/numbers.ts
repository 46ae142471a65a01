import { cleanText } from './text.ts';

/** Units a number written as text may carry, and what one of them is worth. */
export const moneyUnits = { 원: 1, 천원: 1_000, 만원: 10_000, 백만원: 1_000_000, 억원: 100_000_000 } as const;
export type MoneyUnit = keyof typeof moneyUnits;
export const countUnits = ['명', '인', '건', '회', '표', '개', '개소', '가구'] as const;

export function isMoneyUnit(unit: string): unit is MoneyUnit {
  return Object.hasOwn(moneyUnits, unit);
}

export interface ParsedNumber {
  /** The exact decimal, as a sign, its digits and a power of ten: -115e2. */
  negative: boolean;
  digits: string;
  exponent: number;
  /** The unit written after (or ₩ before) the number, '' when none. */
  unit: string;
}

const body = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?`;
/** Sign (− △ ▲ - +), an optional ₩, grouped or plain digits, decimals, then a unit. No guessing. */
const numberText = new RegExp(String.raw`^([-−△▲+])?\s*(₩)?\s*${body}\s*([가-힣%]*)$`, 'u');

/**
 * Reads a number written as text — `1,234`, `３０，０００`, `△500`, `(1,500)`, `120명`, `1,234원`,
 * `60%` — exactly, or returns undefined. No parseFloat: only a strict pattern, then the validated
 * decimal is turned into a number.
 */
export function parseNumberText(text: string): ParsedNumber | undefined {
  let t = cleanText(text);
  let negative = false;
  const bracketed = /^\((.*)\)\s*([가-힣%]*)$/u.exec(t);
  if (bracketed) {
    negative = true;
    t = `${(bracketed[1] ?? '').trim()}${bracketed[2] ?? ''}`;
  }
  const m = numberText.exec(t);
  if (!m) return undefined;
  const sign = m[1];
  if (sign && sign !== '+') {
    if (negative) return undefined; // (−5) says minus twice: not sure what it means
    negative = true;
  }
  const whole = (m[3] ?? '').replace(/,/g, '');
  const frac = m[4] ?? '';
  let unit = m[5] ?? '';
  if (m[2]) {
    if (unit !== '' && unit !== '원') return undefined;
    unit = '원';
  }
  return { negative, digits: whole + frac, exponent: -frac.length, unit };
}

/** The number a parsed decimal names, times 10^shift (exact decimal scaling, then one rounding). */
export function decimalValue(n: ParsedNumber, shift = 0): number {
  const digits = n.digits.replace(/^0+(?=\d)/, '');
  const value = Number(`${digits}e${n.exponent + shift}`);
  return n.negative && value !== 0 ? -value : value;
}

/**
 * A cell's number times 10^shift without binary drift (0.6 × 100 is 60, not 60.00000000000001):
 * the shortest decimal of the number is shifted, then read once.
 */
export function scaleNumber(value: number, shift: number): number {
  if (shift === 0 || !Number.isFinite(value)) return value;
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) return value * 10 ** shift;
  return Number(`${text}e${shift}`);
}

/** log10 of a money unit's worth. */
export function unitShift(unit: MoneyUnit): number {
  return Math.round(Math.log10(moneyUnits[unit]));
}

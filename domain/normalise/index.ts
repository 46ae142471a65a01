export * from './grid.ts';
export * from './text.ts';
export * from './numbers.ts';
export * from './dates.ts';
export * from './headers.ts';
export * from './messages.ts';
export * from './values.ts';
export * from './sheet.ts';

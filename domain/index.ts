export * from './codes.ts';
export * from './sheets.ts';
export * from './reference.ts';
export * from './messages.ts';
export * from './dates.ts';
export * from './rules.ts';
export * from './metrics.ts';
export * from './normalise/index.ts';

// The Excel layer: the only code that calls Excel.run. Plain data in and out.
export * from './layer.ts';
export { officeHost, type ExcelHost } from './office-types.ts';

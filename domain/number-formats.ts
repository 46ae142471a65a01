// Excel number formats of the sheets' field types: the add-in's template tables and the service's
// .xlsx export both format a column from these, so a template and an export read alike.
import type { FieldType } from './sheets.ts';

/** The number format of a column by its field type; a type without one keeps Excel's General. */
export const fieldNumberFormats: Partial<Record<FieldType, string>> = {
  money: '#,##0',
  count: '#,##0',
  date: 'yyyy-mm-dd',
  year: '0',
  phase: '0',
  percent: '0',
  text: '@',
  dong: '@',
  code: '@',
};

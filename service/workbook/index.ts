export { readWorkbook, streamWorkbook, reportWorkbook, worksheetGrid, type ImportReport, type ImportProgress, type ReadWorkbookOptions } from './read.ts';
export { streamCsv, detectCsvEncoding, sourceFormat, type CsvEncoding } from './csv.ts';
export { streamSource, notWorkbook } from './source.ts';
export { createRowKeyer, rowKeyFields, rowKeyText, uuidV5, rowKeyNamespace } from './row-key.ts';
export { dateToSerial, gridCell, gridValue, rowCells } from './cells.ts';
export { readWorkbookParts } from './parts.ts';

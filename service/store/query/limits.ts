/** The analyst sandbox's limits, each overridable per query within these bounds. */
export const defaultRowLimit = 10_000;
export const maxRowLimit = 100_000;
export const defaultTimeoutMs = 10_000;
/** Bytes of an answer (as its values' text), counted while the rows are read. */
export const defaultMaxResultBytes = 32 * 1024 * 1024;
/** DuckDB's memory limit in each child. */
export const defaultMemoryLimit = '512MB';

/** The machine and the versions figures come from, so a README table can say where they were taken. */
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqliteVersion } from './compare.ts';
import type { BenchLine } from './stats.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  duckdb: string;
  sqlite: string;
  /** 1-minute load average when the run started and when it ended (other work on the machine skews figures). */
  loadStart: number;
  loadEnd: number;
}

export async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const version = String((await connection.runAndReadAll('SELECT version()')).getRows()[0]![0]);
    connection.closeSync();
    return version;
  } finally {
    instance.closeSync();
  }
}

export async function machine(loadStart: number): Promise<Machine> {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    duckdb: await duckdbVersion(),
    sqlite: sqliteVersion(),
    loadStart,
    loadEnd: loadavg()[0]!,
  };
}

export function machineLines(m: Machine): BenchLine[] {
  return [
    { name: 'CPU', value: `${m.cpu}, ${m.cores} cores` },
    { name: 'memory', value: `${m.memoryGb} GB` },
    { name: 'system', value: m.os },
    { name: 'versions: node · DuckDB · SQLite (better-sqlite3)', value: `${m.node} · ${m.duckdb} · ${m.sqlite}` },
    { name: '1-minute load average, start · end of the run', value: `${m.loadStart.toFixed(2)} · ${m.loadEnd.toFixed(2)}` },
  ];
}

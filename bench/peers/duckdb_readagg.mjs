#!/usr/bin/env node
// DuckDB peer for the Vigía read + aggregate benchmark.
//
// Usage: node bench/peers/duckdb_readagg.mjs FILE
//
// Reads one SESNSP file with DuckDB's read_csv and prints national monthly
// totals of Tipo de delito == "Trata de personas", one line per month that has
// at least one published cell, sorted:  YYYY-MM,total
//
// Layouts (chosen by the header): wide incidence, state or municipal
// (Año,...,Tipo de delito,...,Enero..Diciembre; empty month cells are
// unpublished and skipped), and the tidy long victims file (n_year, n_month,
// tipo_de_delito, n_victimas).
//
// Encoding: the first 1 MiB is decoded as strict UTF-8; if that fails the
// file is read with read_csv(..., encoding = 'latin-1'), which DuckDB
// supports natively.
//
// Compression: DuckDB's read_csv reads plain and .gz (and .zst) files but not
// .bz2. For a .bz2 input this script decompresses it with the system `bzip2
// -dc` into a temporary file first and then reads that. The decompression
// time IS INCLUDED in the measured wall time (the other implementations
// decompress too); the time it took is printed on stderr.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio',
  'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const TARGET = 'Trata de personas';
const SNIFF = 1 << 20;

const sqlStr = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

function readHead(path) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF);
    const n = readSync(fd, buf, 0, SNIFF, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

async function gunzipHead(path) {
  // Only used to sniff a .gz input; DuckDB decompresses the file itself.
  const { createReadStream } = await import('node:fs');
  const chunks = [];
  let size = 0;
  const z = createReadStream(path).pipe(createGunzip());
  for await (const c of z) {
    chunks.push(c);
    size += c.length;
    if (size >= SNIFF) { z.destroy(); break; }
  }
  return Buffer.concat(chunks).subarray(0, SNIFF);
}

function sniff(head) {
  let enc = 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    enc = 'latin-1';
  }
  let text = new TextDecoder(enc === 'utf-8' ? 'utf-8' : 'latin1').decode(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = text.split('\n', 1)[0].replace(/\r$/, '');
  return { enc, header: first.split(',').map((h) => h.trim()) };
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: duckdb_readagg.mjs FILE');
    process.exit(2);
  }
  let path = process.argv[2];
  let tmp = null;
  try {
    if (path.endsWith('.bz2')) {
      const t0 = performance.now();
      tmp = mkdtempSync(join(tmpdir(), 'vigia-duckdb-'));
      const out = join(tmp, 'input.csv');
      const fd = openSync(out, 'w');
      const r = spawnSync('bzip2', ['-dc', path], { stdio: ['ignore', fd, 'inherit'] });
      closeSync(fd);
      if (r.error || r.status !== 0) throw new Error(`bzip2 -dc failed: ${r.error ?? r.status}`);
      console.error(`duckdb peer: bzip2 -dc to a temp file took ${((performance.now() - t0) / 1000).toFixed(2)} s (included in wall time)`);
      path = out;
    }
    const head = path.endsWith('.gz') ? await gunzipHead(path) : readHead(path);
    const { enc, header } = sniff(head);
    const norm = header.map((h) => h.toLowerCase());
    const encOpt = enc === 'latin-1' ? ", encoding = 'latin-1'" : '';

    let sql;
    if (norm.includes('tipo de delito') && MONTHS.every((m) => norm.includes(m))) {
      const year = header[0];
      const tipo = header[norm.indexOf('tipo de delito')];
      const months = MONTHS.map((m) => header[norm.indexOf(m)]);
      const types = [`${sqlStr(year)}: 'INTEGER'`, `${sqlStr(tipo)}: 'VARCHAR'`,
        ...months.map((m) => `${sqlStr(m)}: 'BIGINT'`)].join(', ');
      sql = `
        WITH t AS (
          SELECT ${ident(year)} AS y,
                 unnest(range(1, 13)) AS m,
                 unnest([${months.map(ident).join(', ')}]) AS v
          FROM read_csv(${sqlStr(path)}, header = true, delim = ',', quote = '"'${encOpt},
                        types = {${types}})
          WHERE ${ident(tipo)} = ${sqlStr(TARGET)}
        )
        SELECT y, m, sum(v)::BIGINT AS total FROM t
        WHERE v IS NOT NULL
        GROUP BY y, m ORDER BY y, m`;
    } else if (['n_year', 'n_month', 'tipo_de_delito', 'n_victimas'].every((c) => norm.includes(c))) {
      sql = `
        SELECT n_year::INTEGER AS y, n_month::INTEGER AS m, sum(n_victimas)::BIGINT AS total
        FROM read_csv(${sqlStr(path)}, header = true, delim = ',', quote = '"'${encOpt},
                      types = {'n_year': 'INTEGER', 'n_month': 'INTEGER',
                               'tipo_de_delito': 'VARCHAR', 'n_victimas': 'BIGINT'})
        WHERE tipo_de_delito = ${sqlStr(TARGET)} AND n_victimas IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2`;
    } else {
      throw new Error(`unknown layout: ${JSON.stringify(header)}`);
    }

    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(sql);
    const lines = reader.getRows().map(([y, m, v]) =>
      `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')},${v}`);
    lines.sort();
    process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
    conn.closeSync?.();
    instance.closeSync?.();
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('duckdb peer:', e.message ?? e);
  process.exit(1);
});

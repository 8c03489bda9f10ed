/**
 * The stateful SQL example as the tests run it, and how they read its state from outside: a
 * datagen source of keys 0 and 1, counted per key (`GROUP BY`, keyed state) into a `print` sink
 * whose lines (`<tag>> +U[key, count]`) land in the TaskManager's console log. A restored job
 * prints counts that go on from where the old one stopped; a fresh one starts again at 1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The example's statements, printing under `tag` (so each job's lines can be told apart). */
export function sqlCounterStatements(tag: string, rowsPerSecond = 20): string[] {
  return [
    `CREATE TABLE clicks (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '${String(rowsPerSecond)}', 'fields.k.kind' = 'random', 'fields.k.min' = '0', 'fields.k.max' = '1')`,
    `CREATE TABLE counts (k INT, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = '${tag}')`,
    'INSERT INTO counts SELECT k, COUNT(*) FROM clicks GROUP BY k',
  ];
}

/** The example as one script (what a spec's `sql.statements` holds). */
export function sqlCounterScript(tag: string, rowsPerSecond = 20): string {
  return sqlCounterStatements(tag, rowsPerSecond).join(';\n') + ';\n';
}

/** One printed update: the key and its count after it. */
export interface PrintedCount {
  key: number;
  count: number;
}

/** Every count printed under `tag` so far, in order, as read from the TaskManager's console log. */
export async function printedCounts(logDir: string, tag: string): Promise<PrintedCount[]> {
  let text: string;
  try {
    text = await readFile(join(logDir, 'taskmanager.console.log'), 'utf8');
  } catch {
    return [];
  }
  const line = new RegExp(`^${tag}> \\+[IU]\\[(\\d+), (\\d+)\\]$`, 'gm');
  return [...text.matchAll(line)].map((m) => ({ key: Number(m[1]), count: Number(m[2]) }));
}

/** Waits until the counts printed under `tag` satisfy `ok`; returns them. */
export async function countsWhen(
  logDir: string,
  tag: string,
  ok: (counts: PrintedCount[]) => boolean,
  deadlineMs = 90_000,
): Promise<PrintedCount[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const counts = await printedCounts(logDir, tag);
    if (ok(counts)) return counts;
    if (Date.now() > deadline)
      throw new Error(`the counts printed as ${tag} are ${JSON.stringify(counts.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The last count printed per key. */
export function lastPerKey(counts: readonly PrintedCount[]): Map<number, number> {
  const last = new Map<number, number>();
  for (const { key, count } of counts) last.set(key, count);
  return last;
}

/** The first count printed per key. */
export function firstPerKey(counts: readonly PrintedCount[]): Map<number, number> {
  const first = new Map<number, number>();
  for (const { key, count } of counts) if (!first.has(key)) first.set(key, count);
  return first;
}

/**
 * Whether `after` continued the state `before` ended with: each key's first count after is one
 * more than its last count before (a job without that state would start again at 1). Both jobs
 * print through the TaskManager's one stdout, so once `after`'s lines are there, all of
 * `before`'s are too.
 */
export function continuedFrom(
  before: readonly PrintedCount[],
  after: readonly PrintedCount[],
): boolean {
  const last = lastPerKey(before);
  const first = firstPerKey(after);
  if (first.size === 0) return false;
  for (const [key, count] of first) if (count !== (last.get(key) ?? 0) + 1) return false;
  return true;
}

/**
 * Writes the README's operations table, generated from the step sequences
 * (functions/core/operations/sequences.ts), between its markers. Run after changing a sequence:
 * `npx tsx scripts/gen-operations-table.ts`. A unit test fails while the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import {
  OPERATIONS_TABLE_END,
  OPERATIONS_TABLE_START,
  renderOperationsTable,
} from './operations-table.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(OPERATIONS_TABLE_START);
const end = text.indexOf(OPERATIONS_TABLE_END);
if (start < 0 || end < start)
  throw new Error(
    `README.md lacks the markers ${OPERATIONS_TABLE_START} … ${OPERATIONS_TABLE_END}: put them where the table goes`,
  );
const updated = [
  text.slice(0, start + OPERATIONS_TABLE_START.length),
  '\n\n',
  renderOperationsTable(),
  '\n\n',
  text.slice(end),
].join('');
// Prettier aligns the columns exactly as `npm run lint` expects them.
const options = (await resolveConfig(readme)) ?? {};
writeFileSync(readme, await format(updated, { ...options, filepath: readme }));
console.log('wrote the operations table in README.md');

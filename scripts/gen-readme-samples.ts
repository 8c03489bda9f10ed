/**
 * Rewrites the README's samples of `fjc get`, `fjc history` and the local status table with what
 * the code prints now (scripts/readme-samples.ts). Run after changing how they render:
 * `npx tsx scripts/gen-readme-samples.ts`. A unit test fails while the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSamples } from './readme-samples.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
writeFileSync(readme, withSamples(readFileSync(readme, 'utf8')));
console.log('wrote the samples in README.md');

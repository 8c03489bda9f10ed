/**
 * The README's samples of `fjc get`, `fjc history` and the local status table are what the code
 * prints: rendered here by the same functions the CLI and `npm run local` use.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadmeSamples, withSamples } from '../../../scripts/readme-samples.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README samples', () => {
  it('match what the code renders (regenerate: npx tsx scripts/gen-readme-samples.ts)', () => {
    expect(withSamples(readme)).toBe(readme);
  });

  it('show each sample, with the history in the one naming scheme', () => {
    const samples = renderReadmeSamples();
    for (const text of Object.values(samples)) expect(readme).toContain(text);
    expect(samples['fjc-history']).toMatch(/\n\d+m +upgrade\.succeeded +succeeded +fjc:upgrade /);
    expect(samples['fjc-history']).not.toMatch(/job-submitted|desired\.updated|step=/);
  });

  it('refuses a README without the markers instead of dropping a sample', () => {
    expect(() => withSamples('no markers here')).toThrow(/lacks the sample markers/);
  });
});

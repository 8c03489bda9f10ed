import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { FjcError, ValidationError } from '../../functions/commons/errors.js';
import type { ApplyResult } from '../../functions/core/apply/apply-documents.js';

/** What applying one spec file gave: applied, unchanged since last time, or rejected with why. */
export type SpecFileOutcome =
  | { file: string; status: 'applied'; result: ApplyResult }
  | { file: string; status: 'unchanged' }
  | { file: string; status: 'rejected'; problems: string[] };

/**
 * Applies the spec files of a folder, each as a whole, whenever its content changed since the
 * last look: editing an example spec is picked up on the next cycle.
 */
export class SpecFolder {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly apply: (text: string, filename: string) => Promise<ApplyResult>,
    private readonly root: string,
  ) {}

  async sync(): Promise<SpecFileOutcome[]> {
    const names = (await readdir(this.dir)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
    // Clusters first, so that jobs in other files find the cluster they refer to.
    const texts = await Promise.all(
      names.map(async (n) => ({
        path: join(this.dir, n),
        text: await readFile(join(this.dir, n), 'utf8'),
      })),
    );
    texts.sort(
      (a, b) =>
        Number(!a.text.includes('kind: FlinkCluster')) -
        Number(!b.text.includes('kind: FlinkCluster')),
    );
    const outcomes: SpecFileOutcome[] = [];
    for (const { path, text } of texts) {
      const file = relative(this.root, path);
      const digest = createHash('sha256').update(text).digest('hex');
      if (this.seen.get(path) === digest) {
        outcomes.push({ file, status: 'unchanged' });
        continue;
      }
      try {
        const result = await this.apply(text, file);
        this.seen.set(path, digest);
        outcomes.push({ file, status: 'applied', result });
      } catch (error) {
        // A rejected file is retried only once it changes: its problems are shown until then.
        this.seen.set(path, digest);
        const problems =
          error instanceof ValidationError
            ? error.issues.map((i) => `${i.path}: ${i.message}`)
            : [error instanceof FjcError || error instanceof Error ? error.message : String(error)];
        outcomes.push({ file, status: 'rejected', problems });
      }
    }
    return outcomes;
  }
}

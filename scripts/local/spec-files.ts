import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { FjcError, ValidationError } from '../../functions/commons/errors.js';
import type { ApplyResult } from '../../functions/core/apply/apply-documents.js';

/** What applying one spec file gave: applied, unchanged since last time, or rejected with why. */
export type SpecFileOutcome =
  | { file: string; status: 'applied'; result: ApplyResult }
  | { file: string; status: 'unchanged' }
  | { file: string; status: 'rejected'; problems: string[] };

/** Where and how the folder remembers what it applied. */
export interface SpecFolderOptions {
  /**
   * JSON file remembering the digest of each file as last applied (`.local/spec-digests.json`),
   * so that a restart applies only files edited meanwhile and never reverts a change made
   * through the API or CLI since. Absent: remembered in memory only.
   */
  digestsFile?: string;
  /**
   * What the digest covers besides the file's text: the local run rewrites the `local` cluster
   * to point at this run's Flink, whose URL changes between runs, so that file must apply again.
   */
  fingerprint?: (text: string, file: string) => string;
  /**
   * Ignore the digests of earlier runs: the store they were applied to is gone (a fresh
   * `.local/dynamodb`), so every file must be applied again.
   */
  forgetApplied?: boolean;
}

/**
 * Applies the spec files of a folder, each as a whole, whenever its content changed since it
 * was last applied: editing an example spec is picked up on the next cycle.
 */
export class SpecFolder {
  private readonly seen = new Map<string, string>();
  private remembered: Promise<Record<string, string>> | undefined;

  constructor(
    private readonly dir: string,
    private readonly apply: (text: string, filename: string) => Promise<ApplyResult>,
    private readonly root: string,
    private readonly options: SpecFolderOptions = {},
  ) {}

  /** The digests applied by earlier runs; none when the file is missing or unreadable. */
  private async appliedBefore(): Promise<Record<string, string>> {
    const file = this.options.digestsFile;
    if (file === undefined || this.options.forgetApplied === true) return {};
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      // Missing or damaged: applying every file once more is the safe way to recover.
      return {};
    }
  }

  /** Writes the digests applied so far, atomically, so a crash never leaves half a file. */
  private async remember(applied: Record<string, string>): Promise<void> {
    const file = this.options.digestsFile;
    if (file === undefined) return;
    await mkdir(dirname(file), { recursive: true });
    const partial = `${file}.tmp`;
    await writeFile(partial, `${JSON.stringify(applied, null, 2)}\n`);
    await rename(partial, file);
  }

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
    this.remembered ??= this.appliedBefore();
    const applied = await this.remembered;
    const outcomes: SpecFileOutcome[] = [];
    for (const { path, text } of texts) {
      const file = relative(this.root, path);
      const fingerprint = this.options.fingerprint?.(text, file) ?? text;
      const digest = createHash('sha256').update(fingerprint).digest('hex');
      if ((this.seen.get(path) ?? applied[file]) === digest) {
        this.seen.set(path, digest);
        outcomes.push({ file, status: 'unchanged' });
        continue;
      }
      try {
        const result = await this.apply(text, file);
        this.seen.set(path, digest);
        applied[file] = digest;
        await this.remember(applied);
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

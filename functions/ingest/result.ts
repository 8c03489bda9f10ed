/**
 * The result object: what ingest did with one spec file, written next to it as
 * `results/<key without specs/>.result.json` so the uploader can read it with the same S3 access
 * they used to upload. It doubles as the manifest of the jobs the file declares (`declared`),
 * which is what a later deletion of the file acts on: the object itself is gone by then.
 */
import { z } from 'zod';
import type { FieldIssue } from '../commons/errors.js';

/** Ingest reacts to keys under this prefix (the EventBridge rule filters on it too). */
export const SPECS_PREFIX = 'specs/';
/** Result objects live under this prefix, outside the rule's prefix: writing them triggers nothing. */
export const RESULTS_PREFIX = 'results/';
/** Appended to the spec key (`a.yaml` → `a.yaml.result.json`), so `a.yaml` and `a.json` differ. */
export const RESULT_SUFFIX = '.result.json';

/** What happened to a spec file. */
export const SPEC_FILE_STATUSES = ['applied', 'rejected', 'deleted', 'failed'] as const;
/**
 * `applied`: every document is stored. `rejected`: the file has mistakes; nothing was written.
 * `deleted`: the file is gone; its jobs were handled by their deletion policy. `failed`: the store
 * failed midway (see `issues`); the event is retried, and re-applying is idempotent.
 */
export type SpecFileStatus = (typeof SPEC_FILE_STATUSES)[number];

/** The object version a result is about. */
export interface SpecFileSource {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  /** The S3 event sequencer; orders the changes of one key (see {@link compareSequencers}). */
  sequencer?: string;
}

/** A job this file declares, as it was stored when the file was applied: ownership evidence. */
export interface DeclaredJob {
  name: string;
  /** The job's generation right after the apply. */
  generation: number;
  /** The hash of the spec this file declares. */
  specHash: string;
}

/**
 * What happened to one job: on apply `created`, `updated` or `unchanged`; on deletion
 * `suspending` (suspend with savepoint, or cancel; record and history kept), `released`
 * (keep-running: fjc stops managing it), `kept` (left alone, see `reason`) or `missing`.
 */
export type JobOutcome =
  'created' | 'updated' | 'unchanged' | 'suspending' | 'released' | 'kept' | 'missing';

/** One job in a result. */
export interface JobResult {
  name: string;
  outcome: JobOutcome;
  generation?: number;
  specHash?: string;
  reason?: string;
}

/** One cluster in an `applied` result (deleting a file never deletes clusters). */
export interface ClusterResult {
  name: string;
  changed: boolean;
}

/** The JSON document under `results/`. */
export interface SpecFileResult {
  source: SpecFileSource;
  status: SpecFileStatus;
  /** ISO-8601 */
  at: string;
  /** The actor recorded in the jobs' audit trail. */
  actor: string;
  /** The EventBridge event id, which is also the correlation id in the logs. */
  eventId: string;
  /** Every problem found (`rejected`), or why the file was only partly handled (`failed`). */
  issues?: FieldIssue[];
  jobs?: JobResult[];
  clusters?: ClusterResult[];
  /**
   * The jobs this key declares now, i.e. what deleting the file would act on. Set from the file
   * on `applied`, carried over unchanged on `rejected`/`failed` (the last applied file stays in
   * force), empty on `deleted`.
   */
  declared: DeclaredJob[];
  /**
   * Jobs the previously applied version declared and this one does not. They are NOT deleted
   * (moving a job between files must not suspend it); delete them with the API if meant.
   */
  undeclared?: string[];
}

/**
 * The key of the result object of the spec at `specKey`.
 * @throws RangeError when the key is not under {@link SPECS_PREFIX}.
 */
export function resultKeyFor(specKey: string): string {
  if (!specKey.startsWith(SPECS_PREFIX)) throw new RangeError(`${specKey} is not a spec key`);
  return `${RESULTS_PREFIX}${specKey.slice(SPECS_PREFIX.length)}${RESULT_SUFFIX}`;
}

/** The parts of a stored result that later events rely on; the rest is for people. */
const storedResultSchema = z.looseObject({
  source: z.looseObject({ sequencer: z.string().optional() }),
  status: z.enum(SPEC_FILE_STATUSES),
  declared: z.array(
    z.object({
      name: z.string().min(1),
      generation: z.number().int().positive(),
      specHash: z.string().min(1),
    }),
  ),
});

/** What ingest reads back from a previous result. */
export type StoredResult = z.infer<typeof storedResultSchema>;

/** A previous result, or `undefined` when the value is not one (written by someone else). */
export function readStoredResult(value: unknown): StoredResult | undefined {
  const parsed = storedResultSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Orders two S3 event sequencers of the same key: negative when `a` happened before `b`. S3
 * sequencers are hexadecimal of varying length; S3 documents comparing them after left-padding
 * the shorter with zeros.
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, '0');
  const right = b.toUpperCase().padStart(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Jar reuse: a cluster keeps each artifact fjc uploads, once per content digest, and later
 * submissions of the same content run it again instead of uploading it anew.
 *
 * The cluster's own jar list (`GET /jars`) is the source of truth: fjc names every upload
 * `fjc-<sha256>-<uri tag>-<file name>`, so the digest of each kept jar is read back from its name
 * and no store item has to be kept in step with a JobManager that may restart, be replaced or have
 * its jars deleted behind fjc's back. A jar that vanished between the list and the run is uploaded
 * again (Flink refuses the run before submitting anything, so running again is safe).
 *
 * Jars whose names do not start with `fjc-` are never touched; fjc jars no job of the cluster
 * references any more are deleted after a successful submission ({@link collectUnusedJars}).
 */
import type { JobRecord, SpecSnapshot } from '../model/index.js';
import {
  ClusterUnavailableError,
  JarNotOnClusterError,
  type ArtifactSource,
  type ArtifactStream,
  type FlinkPort,
  type JobGraphPlan,
  type JobStore,
  type OpenedArtifact,
  type PlanRequest,
  type SubmitRequest,
  type UploadedJar,
} from '../ports/index.js';

/** What a spec says about its jar. */
export interface ArtifactRef {
  uri: string;
  sha256?: string;
}

/** What {@link runArtifact} did, for the caller's records and for {@link collectUnusedJars}. */
export interface ArtifactRun {
  jobId: string;
  /** The jar that was run. */
  jarId: string;
  /** Its content digest. */
  sha256: string;
  /** How many times the jar was uploaded (0 when the cluster had it). */
  uploads: number;
  /**
   * The cluster's jar list as read before the run, with the jar this run uploaded (as the newest)
   * and without one found gone; jars others uploaded meanwhile are not in it.
   */
  jars: UploadedJar[];
}

const FJC_JAR = /^fjc-([0-9a-f]{64})-([0-9a-f]{8})-(.+)$/;

/**
 * A short, stable tag of a URI (FNV-1a, 32 bits): lets garbage collection tell which upload an
 * unpinned URI produced last, without putting the URI itself in a name anyone can list.
 */
export function uriTag(uri: string): string {
  let hash = 0x811c9dc5;
  for (const char of uri) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The last segment of the URI, restricted to characters every file system and Flink accept. */
function fileNameOf(uri: string): string {
  const last = uri.split(/[/\\]/).pop() ?? '';
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' ? 'job.jar' : safe;
}

/** The name fjc uploads the content `sha256` of `uri` under. */
export function jarFileName(sha256: string, uri: string): string {
  return `fjc-${sha256}-${uriTag(uri)}-${fileNameOf(uri)}`;
}

/** The digest and URI tag of a jar fjc uploaded; undefined for any other jar. */
export function parseJarFileName(name: string): { sha256: string; uriTag: string } | undefined {
  const match = FJC_JAR.exec(name);
  return match?.[1] && match[2] ? { sha256: match[1], uriTag: match[2] } : undefined;
}

function digestOf(jar: UploadedJar): string | undefined {
  return parseJarFileName(jar.name)?.sha256;
}

/** The newest jar of the list fjc uploaded with content `sha256`. */
function keptJar(jars: readonly UploadedJar[], sha256: string): UploadedJar | undefined {
  return jars
    .filter((jar) => parseJarFileName(jar.name)?.sha256 === sha256)
    .sort((a, b) => b.uploadedAt - a.uploadedAt)[0];
}

/** A jar this submission uploaded, as the list would show it: newer than any listed. */
function uploadedNow(jarId: string, uri: string, sha256: string): UploadedJar {
  return { jarId, name: jarFileName(sha256, uri), uploadedAt: Number.MAX_SAFE_INTEGER };
}

async function upload(
  flink: FlinkPort,
  opened: OpenedArtifact,
  uri: string,
): Promise<{ jarId: string }> {
  // The bytes only: the release hook stays with the caller.
  const bytes: ArtifactStream =
    'path' in opened
      ? { path: opened.path }
      : {
          stream: opened.stream,
          fileName: opened.fileName,
          ...(opened.size === undefined ? {} : { size: opened.size }),
        };
  return flink.uploadJar({ ...bytes, fileName: jarFileName(opened.sha256, uri) });
}

/** Opens the artifact, hands it to `use` and releases it (its staged copy) whatever happens. */
async function withOpened<T>(
  artifacts: ArtifactSource,
  artifact: ArtifactRef,
  use: (opened: OpenedArtifact) => Promise<T>,
): Promise<T> {
  const opened = await artifacts.open(artifact.uri, artifact.sha256);
  try {
    return await use(opened);
  } finally {
    await opened.release?.();
  }
}

/** The cluster's jar of the artifact's content, uploaded now when it has none. */
async function jarFor(
  flink: FlinkPort,
  artifacts: ArtifactSource,
  artifact: ArtifactRef,
  jars: readonly UploadedJar[],
): Promise<{ jarId: string; sha256: string; uploads: number }> {
  if (artifact.sha256 !== undefined) {
    // Pinned: the cluster's copy is that content (verified when it was uploaded), no download.
    const kept = keptJar(jars, artifact.sha256);
    if (kept) return { jarId: kept.jarId, sha256: artifact.sha256, uploads: 0 };
  }
  return withOpened(artifacts, artifact, async (opened) => {
    const kept = keptJar(jars, opened.sha256);
    if (kept) return { jarId: kept.jarId, sha256: opened.sha256, uploads: 0 };
    const { jarId } = await upload(flink, opened, artifact.uri);
    return { jarId, sha256: opened.sha256, uploads: 1 };
  });
}

/**
 * Runs the artifact on the cluster, uploading it only when the cluster does not keep a jar of the
 * same content. With a pinned digest the artifact is not even opened when the cluster has it;
 * otherwise it is opened (its digest verified or computed from the content) and looked up by that
 * digest, never by name. Errors of the run other than a vanished jar pass unchanged.
 */
export async function runArtifact(
  flink: FlinkPort,
  artifacts: ArtifactSource,
  artifact: ArtifactRef,
  request: SubmitRequest,
): Promise<ArtifactRun> {
  const listed = await flink.listJars();
  const found = await jarFor(flink, artifacts, artifact, listed);
  const jars =
    found.uploads === 0
      ? listed
      : [...listed, uploadedNow(found.jarId, artifact.uri, found.sha256)];
  try {
    const { jobId } = await flink.runJar(found.jarId, request);
    return { jobId, ...found, jars };
  } catch (error) {
    if (!(error instanceof JarNotOnClusterError)) throw error;
    // Deleted since the list was read (behind fjc's back, or a JobManager restart): again, once.
    const { jarId, sha256 } = await withOpened(artifacts, artifact, async (opened) => ({
      ...(await upload(flink, opened, artifact.uri)),
      sha256: opened.sha256,
    }));
    const run = { jarId, sha256, uploads: found.uploads + 1 };
    const known = [
      ...jars.filter((jar) => jar.jarId !== found.jarId),
      uploadedNow(jarId, artifact.uri, sha256),
    ];
    try {
      const { jobId } = await flink.runJar(jarId, request);
      return { jobId, ...run, jars: known };
    } catch (again) {
      if (!(again instanceof JarNotOnClusterError)) throw again;
      // Gone right after its upload: the cluster is not keeping jars now; never the spec's fault.
      throw new ClusterUnavailableError(
        'The cluster lost the jar right after fjc uploaded it, twice in a row',
        {
          cause: again,
          code: 'JAR_VANISHED',
          remedy:
            'fjc tries again later; if it persists, check the JobManager (restarts, web.upload.dir space).',
        },
      );
    }
  }
}

/**
 * Plans the artifact on the cluster (`/jars/:id/plan`) through the same jar cache as a run: the
 * jar is uploaded only when the cluster keeps none of that content, so the submission that follows
 * a passed pre-flight finds it there. A jar that vanished before the plan is uploaded again, once.
 */
export async function planArtifact(
  flink: FlinkPort,
  artifacts: ArtifactSource,
  artifact: ArtifactRef,
  request: PlanRequest,
): Promise<JobGraphPlan> {
  const found = await jarFor(flink, artifacts, artifact, await flink.listJars());
  try {
    return await flink.planJar(found.jarId, request);
  } catch (error) {
    if (!(error instanceof JarNotOnClusterError)) throw error;
    const opened = await artifacts.open(artifact.uri, artifact.sha256);
    const { jarId } = await upload(flink, opened, artifact.uri);
    return flink.planJar(jarId, request);
  }
}

/** The artifact of a stored spec, when it names one on `clusterRef`. */
function artifactOn(spec: unknown, clusterRef: string): ArtifactRef | undefined {
  const inner = (spec as { spec?: { clusterRef?: unknown; artifact?: unknown } } | undefined)?.spec;
  if (inner?.clusterRef !== undefined && inner.clusterRef !== clusterRef) return undefined;
  const artifact = inner?.artifact as { uri?: unknown; sha256?: unknown } | undefined;
  if (typeof artifact?.uri !== 'string') return undefined;
  return {
    uri: artifact.uri,
    ...(typeof artifact.sha256 === 'string' ? { sha256: artifact.sha256 } : {}),
  };
}

/** Every artifact a job may still run: desired, last applied, last stable, an operation's target. */
function referencedArtifacts(record: JobRecord, clusterRef: string): ArtifactRef[] {
  const target = record.status.operation?.data?.target as SpecSnapshot | undefined;
  return [
    record.spec,
    record.status.lastApplied?.spec,
    record.status.lastStable?.spec,
    target?.spec,
  ]
    .map((spec) => artifactOn(spec, clusterRef))
    .filter((ref): ref is ArtifactRef => ref !== undefined);
}

/**
 * The fjc jars of `jars` that no job of the cluster references. A pinned reference keeps the
 * newest jar of its digest (an older copy, from two submissions that uploaded at once, is never
 * chosen again: {@link runArtifact} takes the newest). An unpinned one resolves to whatever its URI
 * holds at the next submission, so it keeps the newest jar uploaded from that URI (by tag): older
 * uploads of a rebuilt jar go. Digests in `keep` (the one just run) are kept whatever the store
 * says.
 */
export function unusedJars(
  jars: readonly UploadedJar[],
  records: readonly JobRecord[],
  clusterRef: string,
  keep: readonly string[] = [],
): UploadedJar[] {
  const digests = new Set(keep);
  const tags = new Set<string>();
  for (const record of records)
    for (const ref of referencedArtifacts(record, clusterRef))
      if (ref.sha256 === undefined) tags.add(uriTag(ref.uri));
      else digests.add(ref.sha256);
  const newest = new Map<string, UploadedJar>();
  const offer = (key: string, jar: UploadedJar) => {
    const current = newest.get(key);
    if (!current || jar.uploadedAt > current.uploadedAt) newest.set(key, jar);
  };
  for (const jar of jars) {
    const parsed = parseJarFileName(jar.name);
    if (parsed && digests.has(parsed.sha256)) offer(`sha256:${parsed.sha256}`, jar);
    if (parsed && tags.has(parsed.uriTag)) offer(`uri:${parsed.uriTag}`, jar);
  }
  const kept = new Set([...newest.values()].map((jar) => jar.jarId));
  return jars.filter((jar) => parseJarFileName(jar.name) !== undefined && !kept.has(jar.jarId));
}

/**
 * Deletes the fjc jars of `jars` (a list read earlier, so that a jar uploaded since by a
 * concurrent submission is never considered) that no job on the cluster references, by the store's
 * jobs of that cluster. A jar deleted while another submission was about to run it is uploaded
 * again by that submission ({@link runArtifact}): deleting too much costs an upload, never a job.
 * Returns the ids deleted.
 */
export async function collectUnusedJars(
  flink: FlinkPort,
  store: JobStore,
  clusterRef: string,
  jars: readonly UploadedJar[],
  keep: readonly string[] = [],
): Promise<string[]> {
  const fjcJars = jars.filter((jar) => parseJarFileName(jar.name) !== undefined);
  // Nothing but the jar just run: spare the store the read (a tidy cluster's case).
  if (fjcJars.length <= 1 && fjcJars.every((jar) => keep.includes(digestOf(jar) ?? ''))) return [];
  const records: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobsByCluster(clusterRef, {
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    records.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  const deleted: string[] = [];
  for (const jar of unusedJars(fjcJars, records, clusterRef, keep)) {
    await flink.deleteJar(jar.jarId);
    deleted.push(jar.jarId);
  }
  return deleted;
}

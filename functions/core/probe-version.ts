/**
 * The probe's view of a cluster's Flink version: which releases fjc supports, and whether a
 * version declared in `spec.flinkVersion` is the one the cluster runs. A declared version is
 * taken as it is on the hot path (no `GET /config`), so only the probe can catch a wrong one.
 */

/** The oldest Flink release fjc supports (its REST API and savepoint handling). */
export const MIN_SUPPORTED_FLINK = { major: 1, minor: 18 } as const;

/** The newest major release fjc is tested with; a newer one may change the REST API. */
export const NEWEST_TESTED_FLINK_MAJOR = 2;

/** Reads `version` as major.minor; undefined when it is not a version. */
export function majorMinor(version: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Whether fjc supports a cluster that reports `version`. */
export function isSupportedFlinkVersion(version: string): boolean {
  const parsed = majorMinor(version);
  if (parsed === undefined) return false;
  const { major, minor } = MIN_SUPPORTED_FLINK;
  const oldEnough = parsed.major > major || (parsed.major === major && parsed.minor >= minor);
  return oldEnough && parsed.major <= NEWEST_TESTED_FLINK_MAJOR;
}

/** How a declared version compares with the cluster's own report. */
export interface DeclaredVersionCheck {
  /** The version the cluster runs as far as known: its report, else the declared one. */
  version: string;
  /** How the version is shown after `Flink ` in the check's detail. */
  shown: string;
  /**
   * Set when the declared major.minor differs from the reported one: fjc would build requests
   * (jar run bodies, savepoint calls) for another REST API than the cluster's.
   */
  mismatch?: { detail: string; remedy: string };
}

/**
 * Compares `declared` with what `reported` (the cluster's `GET /config`) answers. A patch
 * difference is reported but passes (the REST API does not change within a minor release); a
 * report that cannot be read passes unconfirmed, as hiding `GET /config` (a proxy) is a reason
 * to declare the version in the first place.
 */
export async function checkDeclaredVersion(
  declared: string,
  reported: () => Promise<string>,
): Promise<DeclaredVersionCheck> {
  const unconfirmed = (why: string): DeclaredVersionCheck => ({
    version: declared,
    shown: `${declared} (declared in spec.flinkVersion, not confirmed: ${why})`,
  });
  let actual: string;
  try {
    actual = (await reported()).trim();
  } catch (error) {
    return unconfirmed(error instanceof Error ? error.message : String(error));
  }
  const [want, have] = [majorMinor(declared), majorMinor(actual)];
  if (have === undefined)
    return unconfirmed(`the cluster reports an unreadable version ${JSON.stringify(actual)}`);
  if (actual === declared.trim())
    return { version: actual, shown: `${actual} (declared in spec.flinkVersion, confirmed)` };
  if (want?.major === have.major && want.minor === have.minor)
    return {
      version: actual,
      shown: `${actual}; declared ${declared}, the cluster reports ${actual} (patch only: the same REST API)`,
    };
  return {
    version: actual,
    shown: actual,
    mismatch: {
      detail: `spec.flinkVersion declares ${declared}, the cluster reports ${actual}`,
      remedy: `Set spec.flinkVersion to ${actual} (or remove it, so fjc reads GET /config) and apply the FlinkCluster again: fjc builds its requests for the declared version.`,
    },
  };
}

/** A Flink release as `major.minor.patch`; `-SNAPSHOT` and similar suffixes are ignored. */
export interface FlinkVersion {
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

/** Parses `2.3.0`, `1.20.5`, `2.3-SNAPSHOT`; returns undefined for anything else. */
export function parseFlinkVersion(raw: string): FlinkVersion | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    raw,
  };
}

/** True when `version` is at least `major.minor`. */
export function isAtLeast(version: FlinkVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

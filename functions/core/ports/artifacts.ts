/** Where job artifacts come from: S3 in AWS, files locally. */

/**
 * An artifact's bytes: a file, or a stream with a name (e.g. an S3 object body). `fileName`, when
 * given, is the name the cluster stores the jar under (default: the file's own name); fjc names
 * its uploads so that the content digest can be read back from the cluster's jar list.
 */
export type ArtifactStream =
  | { path: string; fileName?: string }
  | { stream: AsyncIterable<Uint8Array>; fileName: string; size?: number };

/**
 * An opened artifact and the sha256 (lowercase hex) of its content, verified or computed.
 * `release`, when present, frees what opening it took (a copy staged on the function's small
 * temporary disk); the caller calls it once the bytes were handed over or are not needed.
 */
export type OpenedArtifact = ArtifactStream & { sha256: string; release?: () => Promise<void> };

/** Opens artifacts by URI; verifies `sha256` when given, before the bytes are handed over. */
export interface ArtifactSource {
  /**
   * The artifact's bytes and their sha256: the pinned one once verified, otherwise computed from
   * the content while it is read (never from the name).
   */
  open(uri: string, sha256?: string): Promise<OpenedArtifact>;
}

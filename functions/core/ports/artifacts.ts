/** Where job artifacts come from: S3 in AWS, files locally. */

/** An artifact's bytes: a file, or a stream with a name (e.g. an S3 object body). */
export type ArtifactStream =
  { path: string } | { stream: AsyncIterable<Uint8Array>; fileName: string; size?: number };

/** Opens artifacts by URI; verifies `sha256` when given, before the bytes are handed over. */
export interface ArtifactSource {
  open(uri: string, sha256?: string): Promise<ArtifactStream>;
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ArtifactStream } from '../core/ports/index.js';
import { FlinkClientInputError } from './errors.js';

/** A jar's name, size (when known) and bytes, streamed: never read whole into memory. */
export async function openJar(
  source: ArtifactStream,
): Promise<{ fileName: string; size: number | undefined; content: AsyncIterable<Uint8Array> }> {
  let fileName: string;
  let size: number | undefined;
  let content: AsyncIterable<Uint8Array>;
  if ('path' in source) {
    try {
      const info = await stat(source.path);
      if (!info.isFile()) throw new Error('not a regular file');
      size = info.size;
    } catch (error) {
      throw new FlinkClientInputError(`Cannot read jar ${source.path}`, {
        cause: error,
        remedy: 'Check the artifact path.',
      });
    }
    fileName = source.fileName ?? basename(source.path);
    content = createReadStream(source.path);
  } else {
    ({ fileName, size } = source);
    content = source.stream;
  }
  if (!fileName.endsWith('.jar'))
    throw new FlinkClientInputError(`Flink accepts only files ending in .jar, got ${fileName}`, {
      remedy: 'Point the artifact at a .jar file.',
    });
  return { fileName, size, content };
}

import { randomBytes } from 'node:crypto';

/** A multipart/form-data body with one file part, produced as a stream. */
export interface MultipartFile {
  contentType: string;
  /** Exact byte length when the file's size is known, so no chunked encoding is needed. */
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
}

/**
 * Wraps a file's bytes as the single `jarfile` part Flink's `/jars/upload` expects, without ever
 * holding the whole file in memory: the preamble, the streamed content and the closing boundary
 * are yielded one after another.
 */
export function multipartFile(
  fieldName: string,
  fileName: string,
  content: AsyncIterable<Uint8Array>,
  size: number | undefined,
): MultipartFile {
  const boundary = `----fjc${randomBytes(12).toString('hex')}`;
  const safeName = fileName.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${safeName}"\r\n` +
      'Content-Type: application/x-java-archive\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield head;
    for await (const chunk of content) yield chunk;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: size === undefined ? undefined : head.length + size + tail.length,
    body: body(),
  };
}

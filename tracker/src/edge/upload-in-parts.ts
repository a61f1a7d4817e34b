/** The size of every part but the last of a multipart upload (R2 takes 5 MiB to 5 GiB, all equal). */
export const PART_BYTES = 8 * 1024 * 1024;

/** The most parts one multipart upload may have (R2's and S3's limit). */
export const MAX_PARTS = 10_000;

/** A multipart upload under way, as R2's binding and the S3 API both offer it. */
export interface MultipartUpload<Part> {
  uploadPart(partNumber: number, bytes: Uint8Array): Promise<Part>;
  complete(parts: Part[]): Promise<unknown>;
  abort(): Promise<void>;
}

/** Where `uploadInParts` writes: one request for a short body, a multipart upload for a long one. */
export interface PartTarget<Part> {
  put(bytes: Uint8Array): Promise<void>;
  start(): Promise<MultipartUpload<Part>>;
}

/**
 * Writes a byte stream holding at most two parts of it in memory: a stream of one part or less in
 * one `put`, a longer one as a multipart upload of `partBytes`-sized parts (the last one shorter),
 * sent one after the other. When the stream fails (a body past its cap, a client gone) or a part
 * does, the upload is aborted, so no object is left behind, and the error is rethrown; the stream
 * is cancelled once nothing more will be read from it.
 */
export async function uploadInParts<Part>(
  stream: ReadableStream<Uint8Array>,
  target: PartTarget<Part>,
  partBytes: number = PART_BYTES,
): Promise<void> {
  const parts = readParts(stream, partBytes);
  try {
    const first = await parts.next();
    if (first.done) return await target.put(new Uint8Array());
    const second = await parts.next();
    if (second.done) return await target.put(first.value);
    const upload = await target.start();
    try {
      const uploaded = [await upload.uploadPart(1, first.value), await upload.uploadPart(2, second.value)];
      for await (const bytes of parts) {
        if (uploaded.length === MAX_PARTS) {
          throw new Error(`an upload may have at most ${MAX_PARTS} parts of ${partBytes} bytes`);
        }
        uploaded.push(await upload.uploadPart(uploaded.length + 1, bytes));
      }
      await upload.complete(uploaded);
    } catch (error) {
      await upload.abort().catch(() => {});
      throw error;
    }
  } finally {
    await parts.return(undefined);
  }
}

/**
 * The stream cut into parts of exactly `size` bytes, the last one shorter (none for an empty
 * stream). Each part is its own compact buffer.
 */
async function* readParts(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  let part: Uint8Array | undefined;
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let offset = 0; offset < value.length; ) {
        part ??= new Uint8Array(size);
        const n = Math.min(size - filled, value.length - offset);
        part.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === size) {
          yield part;
          part = undefined;
          filled = 0;
        }
      }
    }
    finished = true;
    if (part) yield part.slice(0, filled);
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

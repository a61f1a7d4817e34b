/** Options of `byteStream`. */
export interface ByteStreamOptions {
  /** Bytes per chunk (default 64 KiB + 1, so that chunks never line up with parts). */
  chunk?: number;
  /** Error the stream with this error once `failAfter` bytes have been read. */
  failAfter?: number;
  error?: Error;
  /** Called when the reader cancels the stream. */
  onCancel?: () => void;
}

/** The byte at offset `i` of every test stream: a pattern that a lost, doubled or misplaced chunk breaks. */
export function byteAt(i: number): number {
  return (i + Math.floor(i / 65_521)) & 0xff;
}

/** `length` bytes of the `byteAt` pattern, whole, to compare with what a stream delivered. */
export function patternBytes(length: number, from = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = byteAt(from + i);
  return out;
}

/** A stream of `total` bytes of the `byteAt` pattern, made as it is read (never held whole). */
export function byteStream(total: number, options: ByteStreamOptions = {}): ReadableStream<Uint8Array> {
  const chunk = options.chunk ?? 64 * 1024 + 1;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        controller.error(options.error ?? new Error(`test stream failed after ${sent} bytes`));
        return;
      }
      if (sent >= total) {
        controller.close();
        return;
      }
      const n = Math.min(chunk, total - sent, (options.failAfter ?? Number.POSITIVE_INFINITY) - sent);
      controller.enqueue(patternBytes(n, sent));
      sent += n;
    },
    cancel() {
      options.onCancel?.();
    },
  });
}

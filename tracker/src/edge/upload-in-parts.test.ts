import { describe, expect, it } from 'vitest';
import { byteStream, patternBytes } from '../testing/byte-stream.ts';
import { type PartTarget, uploadInParts } from './upload-in-parts.ts';

/** A target that keeps what it is sent, in memory, and the calls in order. */
function memoryTarget(options: { failPart?: number } = {}) {
  const calls: string[] = [];
  const sizes: number[] = [];
  let object: Uint8Array | undefined;
  const target: PartTarget<{ n: number; bytes: Uint8Array }> = {
    async put(bytes) {
      calls.push(`put ${bytes.length}`);
      object = bytes;
    },
    async start() {
      calls.push('start');
      return {
        async uploadPart(n, bytes) {
          calls.push(`part ${n}`);
          sizes.push(bytes.length);
          // Each part is a buffer of its own: a backend may send `bytes.buffer` as it is.
          expect(bytes.byteOffset).toBe(0);
          expect(bytes.buffer.byteLength).toBe(bytes.length);
          if (n === options.failPart) throw new Error(`part ${n} refused`);
          return { n, bytes };
        },
        async complete(parts) {
          calls.push(`complete ${parts.map((p) => p.n).join(',')}`);
          const out = new Uint8Array(parts.reduce((s, p) => s + p.bytes.length, 0));
          let at = 0;
          for (const p of parts) {
            out.set(p.bytes, at);
            at += p.bytes.length;
          }
          object = out;
        },
        async abort() {
          calls.push('abort');
        },
      };
    },
  };
  return { target, calls, sizes, object: () => object };
}

const PART = 1000;

describe('uploadInParts', () => {
  it('puts an empty stream, and a stream of up to one part, in one request', async () => {
    for (const total of [0, 1, PART - 1, PART]) {
      const m = memoryTarget();
      await uploadInParts(byteStream(total, { chunk: 333 }), m.target, PART);
      expect(m.calls, String(total)).toEqual([`put ${total}`]);
      expect(m.object()).toEqual(patternBytes(total));
    }
  });

  it('sends a longer stream as parts of exactly the part size, the last one shorter, in order', async () => {
    for (const chunk of [1, 7, 333, PART, 4096]) {
      const m = memoryTarget();
      await uploadInParts(byteStream(3 * PART + 1, { chunk }), m.target, PART);
      expect(m.calls, String(chunk)).toEqual(['start', 'part 1', 'part 2', 'part 3', 'part 4', 'complete 1,2,3,4']);
      expect(m.sizes).toEqual([PART, PART, PART, 1]);
      expect(m.object()).toEqual(patternBytes(3 * PART + 1));
    }
    const even = memoryTarget();
    await uploadInParts(byteStream(2 * PART, { chunk: 999 }), even.target, PART);
    expect(even.sizes).toEqual([PART, PART]);
  });

  it('aborts when the stream fails during the upload, rethrowing its error, and writes nothing', async () => {
    const m = memoryTarget();
    const error = new Error('body past its cap');
    await expect(
      uploadInParts(byteStream(10 * PART, { chunk: 300, failAfter: 2.5 * PART, error }), m.target, PART),
    ).rejects.toBe(error);
    expect(m.calls).toEqual(['start', 'part 1', 'part 2', 'abort']);
    expect(m.object()).toBeUndefined();
  });

  it('starts nothing when the stream fails within its first two parts', async () => {
    const m = memoryTarget();
    await expect(uploadInParts(byteStream(10 * PART, { failAfter: 1.5 * PART }), m.target, PART)).rejects.toThrow(
      /failed after 1500 bytes/,
    );
    expect(m.calls).toEqual([]);
  });

  it('aborts when a part is refused and cancels the stream it no longer reads', async () => {
    const m = memoryTarget({ failPart: 3 });
    let cancelled = false;
    const stream = byteStream(10 * PART, { chunk: 300, onCancel: () => (cancelled = true) });
    await expect(uploadInParts(stream, m.target, PART)).rejects.toThrow('part 3 refused');
    expect(m.calls).toEqual(['start', 'part 1', 'part 2', 'part 3', 'abort']);
    expect(cancelled).toBe(true);
  });
});

/**
 * The few S3 XML documents the R2 backend reads and writes. S3's responses are flat and
 * machine-generated, so a small scanner is enough — but every text value is XML-escaped
 * (a key may hold `&`, `<`, quotes or characters given as `&#NN;`) and must be unescaped.
 */

/** One page of a ListObjectsV2 answer. */
export interface ListPage {
  objects: { key: string; size: number }[];
  /** The token of the next page, when the answer was truncated. */
  nextContinuationToken?: string;
}

/** A parsed S3 `<Error>` document. */
export interface S3ErrorBody {
  code: string;
  message: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML character and entity references. */
export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** Escapes text for an XML element body. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`);
}

/** Every `<tag>…</tag>` body inside `xml` (not nested in itself), still escaped. */
function elements(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>|<${tag}(?:\\s[^>]*)?/>`, 'g');
  for (const m of xml.matchAll(re)) out.push(m[1] ?? '');
  return out;
}

function text(xml: string, tag: string): string | undefined {
  const first = elements(xml, tag)[0];
  return first === undefined ? undefined : xmlUnescape(first);
}

/** Parses a `ListBucketResult` (ListObjectsV2). Throws when the document is not one. */
export function parseListObjectsV2(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error(`not a ListBucketResult: ${xml.slice(0, 200)}`);
  const objects = elements(xml, 'Contents').map((c) => {
    const key = text(c, 'Key');
    const size = Number(text(c, 'Size') ?? '0');
    if (key === undefined || !Number.isFinite(size))
      throw new Error(`malformed <Contents> in ListBucketResult: ${c.slice(0, 200)}`);
    return { key, size };
  });
  const truncated = text(xml, 'IsTruncated') === 'true';
  const token = text(xml, 'NextContinuationToken');
  if (truncated && !token) throw new Error('ListBucketResult is truncated but has no NextContinuationToken');
  return truncated ? { objects, nextContinuationToken: token } : { objects };
}

/** Parses an S3 `<Error>` body; undefined when the body is not one. */
export function parseS3Error(xml: string): S3ErrorBody | undefined {
  const err = elements(xml, 'Error')[0];
  if (err === undefined) return undefined;
  return { code: text(err, 'Code') ?? 'Unknown', message: text(err, 'Message') ?? '' };
}

/** The upload id of an `InitiateMultipartUploadResult` (CreateMultipartUpload). Throws when there is none. */
export function parseUploadId(xml: string): string {
  const id = text(xml, 'UploadId');
  if (!/<InitiateMultipartUploadResult[\s>]/.test(xml) || !id) {
    throw new Error(`not an InitiateMultipartUploadResult: ${xml.slice(0, 200)}`);
  }
  return id;
}

/** One uploaded part, as CompleteMultipartUpload names it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** The body of a CompleteMultipartUpload request: the parts in order. */
export function completeMultipartXml(parts: UploadedPart[]): string {
  const items = parts
    .map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${xmlEscape(p.etag)}</ETag></Part>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}

/** The body of a quiet DeleteObjects request (at most 1,000 keys). */
export function deleteObjectsXml(keys: string[]): string {
  if (keys.length === 0 || keys.length > 1000)
    throw new RangeError(`DeleteObjects takes 1..1000 keys, got ${keys.length}`);
  const objects = keys.map((k) => `<Object><Key>${xmlEscape(k)}</Key></Object>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>${objects}</Delete>`;
}

/** The per-key failures a `DeleteResult` reports (quiet mode lists only these). */
export function parseDeleteErrors(xml: string): { key: string; code: string; message: string }[] {
  return elements(xml, 'Error').map((e) => ({
    key: text(e, 'Key') ?? '',
    code: text(e, 'Code') ?? 'Unknown',
    message: text(e, 'Message') ?? '',
  }));
}

import { describe, expect, it } from 'vitest';
import {
  completeMultipartXml,
  deleteObjectsXml,
  parseDeleteErrors,
  parseListObjectsV2,
  parseS3Error,
  parseUploadId,
  xmlEscape,
  xmlUnescape,
} from './s3-xml.ts';

describe('s3-xml', () => {
  it('unescapes named, decimal and hex references, and nothing else', () => {
    expect(xmlUnescape('a&amp;b&lt;c&gt;&quot;&apos;&#39;&#x1F600;&#233;')).toBe("a&b<c>\"''😀é");
    expect(xmlUnescape('&amp;lt;')).toBe('&lt;');
    expect(xmlUnescape('&unknown; & plain')).toBe('&unknown; & plain');
  });

  it('escape and unescape are inverse', () => {
    const s = `<a href="x">'&amp;'</a>`;
    expect(xmlUnescape(xmlEscape(s))).toBe(s);
  });

  it('parses a truncated ListBucketResult with escaped keys and token', () => {
    const page = parseListObjectsV2(`<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
        <Contents><Key>p/a&amp;b</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><Size>10</Size></Contents>
        <Contents><Key>p/&lt;c&gt;</Key><Size>0</Size></Contents>
        <NextContinuationToken>1/a&amp;b==</NextContinuationToken>
      </ListBucketResult>`);
    expect(page).toEqual({
      objects: [
        { key: 'p/a&b', size: 10 },
        { key: 'p/<c>', size: 0 },
      ],
      nextContinuationToken: '1/a&b==',
    });
  });

  it('does not mistake <KeyCount> for <Key>, and a last page has no token', () => {
    expect(
      parseListObjectsV2('<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>'),
    ).toEqual({ objects: [] });
  });

  it('refuses what is not a ListBucketResult, and a truncated page without a token', () => {
    expect(() => parseListObjectsV2('<Error><Code>AccessDenied</Code></Error>')).toThrow(/not a ListBucketResult/);
    expect(() => parseListObjectsV2('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>')).toThrow(
      /NextContinuationToken/,
    );
  });

  it('parses S3 errors and DeleteResult errors', () => {
    expect(
      parseS3Error('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>gone &amp; lost</Message></Error>'),
    ).toEqual({
      code: 'NoSuchKey',
      message: 'gone & lost',
    });
    expect(parseS3Error('')).toBeUndefined();
    expect(parseDeleteErrors('<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>')).toEqual([]);
  });

  it('builds a quiet Delete document and bounds its size', () => {
    expect(deleteObjectsXml(['a&b'])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object></Delete>',
    );
    expect(() => deleteObjectsXml([])).toThrow(RangeError);
    expect(() => deleteObjectsXml(Array.from({ length: 1001 }, (_, i) => String(i)))).toThrow(RangeError);
  });

  it('reads the upload id of an InitiateMultipartUploadResult, unescaped, and refuses anything else', () => {
    expect(
      parseUploadId(
        '<?xml version="1.0"?><InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>a&amp;b/+=</UploadId></InitiateMultipartUploadResult>',
      ),
    ).toBe('a&b/+=');
    expect(() => parseUploadId('<Error><Code>AccessDenied</Code></Error>')).toThrow(
      /not an InitiateMultipartUploadResult/,
    );
    expect(() =>
      parseUploadId('<InitiateMultipartUploadResult><UploadId></UploadId></InitiateMultipartUploadResult>'),
    ).toThrow();
  });

  it('builds a CompleteMultipartUpload document naming the parts in order, ETags escaped', () => {
    expect(
      completeMultipartXml([
        { partNumber: 1, etag: '"abc"' },
        { partNumber: 2, etag: '"d&e"' },
      ]),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>&quot;d&amp;e&quot;</ETag></Part></CompleteMultipartUpload>',
    );
  });
});

/** A parsed CSV file: the header's column names and every data row's fields, as text. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** Where a CSV file is malformed: a message with its (1-based) line. */
export class CsvError extends Error {
  override name = 'CsvError';
}

/**
 * Parses CSV text as RFC 4180 has it: fields separated by `delimiter` (default `,`), records by LF or
 * CRLF; a field in double quotes may hold delimiters, line breaks and `""` (one quote). The first record
 * is the header (a leading UTF-8 BOM is dropped); blank lines are skipped. Throws a `CsvError` naming the
 * line for an unterminated quote, text after a closing quote, an empty or repeated column name, or a
 * record whose field count differs from the header's.
 */
export function parseCsv(text: string, delimiter = ','): CsvTable {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(
      `the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false; // the current field was quoted (so an empty line with "" is a record)
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || quoted) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    quoted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quoted) {
      quoted = true;
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError(`line ${start}: a quoted field is never closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvError(`line ${line}: text after a closing quote (quote the whole field, doubling quotes inside)`);
      }
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      quoted = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length || quoted) endRecord();
  const [head, ...body] = records;
  if (!head) throw new CsvError('the file is empty: a CSV needs a header line');
  const header = head.fields.map((name) => name.trim());
  const seen = new Set<string>();
  header.forEach((name, k) => {
    if (!name) throw new CsvError(`line ${head.line}: column ${k + 1} of the header has no name`);
    if (seen.has(name)) throw new CsvError(`line ${head.line}: column name "${name}" appears twice`);
    seen.add(name);
  });
  for (const r of body) {
    if (r.fields.length !== header.length) {
      throw new CsvError(`line ${r.line}: ${r.fields.length} fields, but the header has ${header.length} columns`);
    }
  }
  return { header, rows: body.map((r) => r.fields) };
}

/** One CSV field: quoted when it holds the delimiter, a quote or a line break, or has outer spaces. */
export function csvField(value: string, delimiter = ','): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) || value.trim() !== value
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** CSV text of a header and rows (LF line ends, a final line break). */
export function formatCsv({ header, rows }: CsvTable, delimiter = ','): string {
  return `${[header, ...rows].map((r) => r.map((v) => csvField(v, delimiter)).join(delimiter)).join('\n')}\n`;
}

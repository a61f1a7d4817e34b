import { describe, expect, it } from 'vitest';
import { CsvError, formatCsv, parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads a header and rows, LF or CRLF, with or without a final line break, skipping blank lines', () => {
    const want = {
      header: ['a', 'b'],
      rows: [
        ['1', 'x'],
        ['2', ''],
      ],
    };
    expect(parseCsv('a,b\n1,x\n2,\n')).toEqual(want);
    expect(parseCsv('a,b\r\n1,x\r\n\r\n2,')).toEqual(want);
    expect(parseCsv('\ufeffa, b \n1,x\n2,\n\n')).toEqual(want);
  });

  it('takes quoted fields with delimiters, line breaks and doubled quotes', () => {
    expect(parseCsv('name,note\n"Smith, J.","said ""hi""\nthen left"\n"",x\n').rows).toEqual([
      ['Smith, J.', 'said "hi"\nthen left'],
      ['', 'x'],
    ]);
  });

  it('reads other delimiters', () => {
    expect(parseCsv('a;b\n1,5;2\n', ';').rows).toEqual([['1,5', '2']]);
    expect(parseCsv('a\tb\n1\t2\n', '\t').rows).toEqual([['1', '2']]);
  });

  it.each([
    ['', /the file is empty/],
    ['a,b\n1,2,3\n', /^line 2: 3 fields, but the header has 2 columns$/],
    ['a,b\n"1,2\n3,4\n', /^line 2: a quoted field is never closed$/],
    ['a,b\n"1"x,2\n', /^line 2: text after a closing quote/],
    ['a,,c\n1,2,3\n', /^line 1: column 2 of the header has no name$/],
    ['a,b,a\n1,2,3\n', /^line 1: column name "a" appears twice$/],
    ['a,b\n"x\ny",2\n1\n', /^line 4: 1 fields, but the header has 2 columns$/],
  ])('refuses %j with the line', (text, message) => {
    expect(() => parseCsv(text)).toThrow(CsvError);
    expect(() => parseCsv(text)).toThrow(message);
  });

  it('round-trips what formatCsv writes', () => {
    const table = {
      header: ['id', 'text'],
      rows: [
        ['1', 'a, "b"\nc'],
        ['2', ' padded '],
        ['3', '0.1'],
      ],
    };
    expect(parseCsv(formatCsv(table))).toEqual(table);
  });
});

import { SearchSyntaxError } from './filter-ast.ts';

/** A token of the search language. `value` is the unquoted text of quoted tokens. */
export interface Token {
  kind: 'word' | 'string' | 'backtick' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma' | 'dot' | 'end';
  text: string;
  value: string;
  /** Offset in the source. */
  pos: number;
  /** Whether whitespace precedes the token. */
  spaced: boolean;
}

const WORD_START = /[\p{L}\p{N}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_.]/u;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

/**
 * Splits a filter or order_by clause into tokens: words (`metrics.acc`, `AND`, may hold dots),
 * strings in single or double quotes (a doubled quote or a backslash escapes one), backtick-quoted
 * names, numbers, comparison operators, parentheses, commas and dots.
 */
export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let spaced = false;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/u.test(ch)) {
      i++;
      spaced = true;
      continue;
    }
    const start = i;
    const push = (kind: Token['kind'], text: string, value = text) => {
      out.push({ kind, text, value, pos: start, spaced });
      spaced = false;
    };
    if (ch === "'" || ch === '"' || ch === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) {
          throw new SearchSyntaxError(
            `unterminated ${ch === '`' ? 'backtick name' : 'string'} starting at position ${start}`,
            start,
          );
        }
        const c = source[i]!;
        if (c === '\\' && ch !== '`' && i + 1 < source.length) {
          value += source[i + 1];
          i += 2;
        } else if (c === ch) {
          if (source[i + 1] === ch) {
            value += ch;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += c;
          i++;
        }
      }
      push(ch === '`' ? 'backtick' : 'string', source.slice(start, i), value);
      continue;
    }
    const number = NUMBER.exec(source.slice(i));
    if (number && /[-+.\d]/.test(ch) && !WORD_CHAR.test(source[i + number[0].length] ?? ' ')) {
      i += number[0].length;
      push('number', number[0]);
      continue;
    }
    if (WORD_START.test(ch)) {
      while (i < source.length && WORD_CHAR.test(source[i]!)) i++;
      push('word', source.slice(start, i));
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '<>' || two === '==') {
      i += 2;
      push('op', two === '<>' ? '!=' : two === '==' ? '=' : two, two === '<>' ? '!=' : two === '==' ? '=' : two);
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      i++;
      push('op', ch);
      continue;
    }
    const single = ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : ch === ',' ? 'comma' : ch === '.' ? 'dot' : null;
    if (single) {
      i++;
      push(single, ch);
      continue;
    }
    throw new SearchSyntaxError(`unexpected character '${ch}' at position ${start}`, start);
  }
  out.push({ kind: 'end', text: '', value: '', pos: source.length, spaced });
  return out;
}

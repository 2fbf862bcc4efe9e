// CQL2-Text → AST: limits, then the peggy parser generated from cql2.peggy.
import type { Node } from './ast.js';
import { checkTree } from './check.js';
import { Cql2Error, MAX_DEPTH, MAX_FILTER_LENGTH, positionOf } from './errors.js';
import { parse, SyntaxError as PegSyntaxError } from './generated/parser.js';

/** Rejects bracket nesting deeper than MAX_DEPTH before the recursive parser sees it. */
function checkBrackets(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      // Skip a string literal ('' and \' are escapes).
      for (i++; i < text.length; i++) {
        if (text[i] === '\\' && text[i + 1] === "'") i++;
        else if (text[i] === "'") { if (text[i + 1] === "'") i++; else break; }
      }
    } else if (c === '"') {
      i = text.indexOf('"', i + 1);
      if (i < 0) return;
    } else if (c === '(' || c === '[') {
      if (++depth > MAX_DEPTH) {
        const position = positionOf(text, i);
        throw new Cql2Error(
          `filter is nested too deeply at line ${position.line}, column ${position.column}: more than ${MAX_DEPTH} levels of brackets`,
          { position },
        );
      }
    } else if (c === ')' || c === ']') {
      depth--;
    }
  }
}

/** Parses CQL2-Text; throws Cql2Error with the position and what was expected. */
export function parseText(text: string): Node {
  if (typeof text !== 'string') throw new Cql2Error('a CQL2-Text filter must be a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw new Cql2Error(`filter is too long: ${text.length} characters, at most ${MAX_FILTER_LENGTH}`);
  }
  if (text.trim() === '') throw new Cql2Error('filter is empty');
  checkBrackets(text);
  let ast: Node;
  try {
    ast = parse(text) as Node;
  } catch (e) {
    if (e instanceof PegSyntaxError) {
      const { offset, line, column } = e.location.start;
      throw new Cql2Error(`invalid CQL2 text at line ${line}, column ${column}: ${e.message}`, {
        position: { offset, line, column },
      });
    }
    // Last resort: the bracket check should keep the parser far from the stack limit.
    if (e instanceof RangeError) throw new Cql2Error('filter is nested too deeply');
    throw e;
  }
  return checkTree(ast);
}

// Positions of marked text in a test document, computed independently of the server's code.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** The position of the `nth` occurrence of `needle`, plus `delta` characters. */
export function find(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${nth}) not in the text`);
  }
  return positionAt(text, at + delta);
}

export function rangeOf(text: string, needle: string, nth = 0): { start: Position; end: Position } {
  const start = find(text, needle, 0, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

/** The range of `word` inside the first occurrence of `context`. */
export function rangeIn(text: string, context: string, word: string): { start: Position; end: Position } {
  const start = find(text, context, context.indexOf(word));
  return { start, end: { line: start.line, character: start.character + word.length } };
}

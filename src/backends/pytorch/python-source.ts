// Small helpers for writing readable Python source: literals, identifiers, and black-style
// wrapping of long calls (one argument per line, magic trailing comma).

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);
/** Names the generated code itself uses, which a model's variables must not shadow. */
const RESERVED = new Set(["self", "torch", "nn", "F", "math", "np", "json", "os", "struct", "x"]);

/** A valid Python identifier for a netc name (which is already an identifier in netc's grammar). */
export function pyName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=\d)/, "_");
  return KEYWORDS.has(cleaned) || RESERVED.has(cleaned) ? `${cleaned}_` : cleaned;
}

/** A float literal: always with a decimal point or exponent, so Python reads a float. */
export function pyFloat(value: number): string {
  if (value === Infinity) return "math.inf";
  if (value === -Infinity) return "-math.inf";
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export const pyBool = (value: boolean): string => (value ? "True" : "False");

export const pyString = (value: string): string => JSON.stringify(value);

/** `(a, b)`, `(a,)` for one element. */
export function pyTuple(values: readonly (number | string)[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`;
}

/** A call expression from positional and keyword arguments (keywords whose value is undefined are left out). */
export function pyCall(fn: string, args: readonly string[], kwargs: Record<string, string | undefined> = {}): string {
  const keywords = Object.entries(kwargs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return `${fn}(${[...args, ...keywords].join(", ")})`;
}

const MAX_LINE = 88;

/**
 * The code characters of `text` from `from` on, with the bracket depth before each: string
 * literals are skipped. Returning true from `visit` stops the scan there.
 */
function scanCode(text: string, from: number, visit: (i: number, ch: string, depth: number) => boolean | void): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    if (visit(i, ch, depth) === true) return i;
    if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
  }
  return -1;
}

/** Splits `text` at `separator`s that are not inside brackets or strings. */
function topLevelSplit(text: string, separator: RegExp): { parts: string[]; separators: string[] } {
  const parts: string[] = [];
  const separators: string[] = [];
  let start = 0;
  let skipTo = 0;
  scanCode(text, 0, (i, ch, depth) => {
    if (i < skipTo || depth !== 0 || "([{)]}\"'".includes(ch)) return;
    const match = separator.exec(text.slice(i));
    if (match?.index !== 0) return;
    parts.push(text.slice(start, i).trim());
    separators.push(match[0].trim());
    skipTo = start = i + match[0].length;
  });
  const last = text.slice(start).trim();
  if (last !== "") parts.push(last);
  return { parts, separators };
}

const topLevelParts = (text: string): string[] => topLevelSplit(text, /,/).parts;

/** Index of the bracket closing the one at `open`. */
const closing = (text: string, open: number): number =>
  scanCode(text, open, (_, ch, depth) => ")]}".includes(ch) && depth === 1);

/**
 * One logical line, wrapped as black would when it is longer than 88 columns: the first
 * bracket whose closing bracket ends the line is exploded, one item per line; items still too
 * long are wrapped the same way.
 */
export function wrapLine(line: string): string[] {
  if (line.length <= MAX_LINE) return [line];
  const indent = line.match(/^ */)![0];
  const inner = `${indent}    `;
  // `return a, b` and `name = a / b`: black puts the value in brackets, one item per line.
  const statement = /^(return |[A-Za-z_][A-Za-z0-9_.]* = )(.*)$/.exec(line.trimStart());
  if (statement) {
    const [, head, value] = statement;
    const items = head === "return " ? topLevelParts(value) : [];
    if (items.length > 1)
      return [`${indent}${head}(`, ...items.flatMap((item) => wrapLine(`${inner}${item},`)), `${indent})`];
    const { parts, separators } = topLevelSplit(value, / [-+*\/] /);
    if (parts.length > 1) {
      const operands = parts.map((part, i) => (i === 0 ? part : `${separators[i - 1]} ${part}`));
      return [`${indent}${head}(`, ...operands.flatMap((o) => wrapLine(`${inner}${o}`)), `${indent})`];
    }
  }
  for (let open = 0; open < line.length; open++) {
    if (!"([{".includes(line[open])) continue;
    const close = closing(line, open);
    if (close === -1) return [line];
    const tail = line.slice(close + 1);
    if (!/^[:,]?$/.test(tail.trim())) continue;
    const head = line.slice(0, open + 1);
    const items = topLevelParts(line.slice(open + 1, close));
    // Black first tries the whole contents on one indented line.
    const joined = `${inner}${items.join(", ")}`;
    const body = joined.length <= MAX_LINE ? [joined] : items.flatMap((item) => wrapLine(`${inner}${item},`));
    return [head, ...body, `${indent}${line.slice(close)}`];
  }
  return [line];
}

/**
 * A docstring at `indent` columns: one line when it fits in 88 columns, else the words wrapped
 * after the opening quotes, with the closing quotes on their own line.
 */
export function docstring(indent: number, text: string): string[] {
  const pad = " ".repeat(indent);
  if (indent + text.length + 6 <= MAX_LINE) return [`${pad}"""${text}"""`];
  const lines: string[] = [];
  let line = `${pad}"""`;
  for (const word of text.split(" ")) {
    const next = line.trimEnd().endsWith('"""') || line === pad ? `${line}${word}` : `${line} ${word}`;
    if (next.length > MAX_LINE && line.trim() !== "") {
      lines.push(line);
      line = `${pad}${word}`;
    } else line = next;
  }
  return [...lines, line, `${pad}"""`];
}

/** Lines indented by `levels` × 4 spaces and wrapped. */
export function block(levels: number, lines: readonly string[]): string[] {
  const pad = " ".repeat(4 * levels);
  return lines.flatMap((l) => (l === "" ? [""] : wrapLine(pad + l)));
}

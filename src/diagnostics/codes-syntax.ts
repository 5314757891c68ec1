// NET1xxx: the syntax codes (lexer and parser). Merged into the one catalogue by catalogue.ts.
import type { Severity } from "./diagnostic.ts";

export interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
}

export const syntaxCodes = {
  NET1001: { severity: "error", title: "unexpected character" },
  NET1002: { severity: "error", title: "unterminated string" },
  NET1003: { severity: "error", title: "unterminated block comment" },
  NET1004: { severity: "error", title: "invalid escape sequence in a string" },
  NET1010: { severity: "error", title: "missing token (a bracket, ':', a name, ...)" },
  NET1011: { severity: "error", title: "unexpected token where a statement, expression or declaration was expected" },
  NET1012: { severity: "error", title: "unexpected text at the top level (outside any declaration)" },
  NET1013: { severity: "error", title: "a statement has two labels or two shape assertions" },
  NET1014: { severity: "error", title: "a keyword used as a name" },
  NET1015: { severity: "error", title: "a shape that is not a list literal" },
  NET1016: { severity: "error", title: "nesting too deep (more than 32 levels)" },
} as const satisfies Record<string, CodeInfo>;

export type SyntaxCode = keyof typeof syntaxCodes;

// Document formatting through the Prettier plugin: one edit replacing the whole text, or none
// when the text is already formatted or has syntax errors (the formatter never guesses).
import type { TextEdit } from "vscode-languageserver";
import type { Analysis } from "./analysis.ts";

export async function formatDocument(a: Analysis): Promise<TextEdit[]> {
  // Loaded on first use: Prettier is large and most sessions format rarely.
  const { formatSource, SyntaxErrorsError } = await import("../format/index.ts");
  let formatted: string;
  try {
    formatted = await formatSource(a.text);
  } catch (error) {
    if (error instanceof SyntaxErrorsError) return [];
    throw error;
  }
  if (formatted === a.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: a.lines.positionAt(a.text.length) }, newText: formatted }];
}

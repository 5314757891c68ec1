// Highlighting for .net files: the grammar's keywords and the checker's op names, injected by
// scripts/build-site.ts from grammar/tokens.ts and src/check/ops/registry.ts (so the page's
// main bundle holds no parser), plus comments, numbers, kernel sizes, strings and config keys.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

declare const __NETC_KEYWORDS__: readonly string[];
declare const __NETC_OPS__: readonly string[];

const keywords = new Set(__NETC_KEYWORDS__);
const ops = new Set(__NETC_OPS__);

interface State {
  inComment: boolean;
}

const netLanguage = StreamLanguage.define<State>({
  name: "netc",
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo("*/")) {
        stream.match("*/");
        state.inComment = false;
      } else stream.skipToEnd();
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      state.inComment = true;
      return "comment";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
    if (stream.match(/^[0-9]+x[0-9]+\b/)) return "number";
    if (stream.match(/^[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?/)) return "number";
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (keywords.has(word)) return "keyword";
      // A config key (`loss:`) starts its line; `digit: [..]` after `input` is a name.
      if (stream.string.slice(0, stream.start).trim() === "" && stream.match(/^\s*:/, false)) return "propertyName";
      if (ops.has(word)) return "variableName.function";
      if (/^[A-Z]/.test(word)) return "typeName";
      return "variableName";
    }
    if (stream.match("->")) return "operator";
    stream.next();
    return /[{}()[\],]/.test(stream.current()) ? "punctuation" : "operator";
  },
  languageData: { commentTokens: { line: "//", block: { open: "/*", close: "*/" } }, closeBrackets: { brackets: ["(", "[", "{", '"'] } },
});

const style = HighlightStyle.define([
  { tag: tags.keyword, color: "#8b2fc9", fontWeight: "600" },
  { tag: tags.comment, color: "#6a737d", fontStyle: "italic" },
  { tag: tags.string, color: "#0a7a36" },
  { tag: tags.number, color: "#b35900" },
  { tag: tags.function(tags.variableName), color: "#005cc5" },
  { tag: tags.propertyName, color: "#a31515" },
  { tag: tags.typeName, color: "#1a7f8e", fontWeight: "600" },
  { tag: tags.operator, color: "#d73a49" },
]);

export const netHighlighting = [netLanguage, syntaxHighlighting(style)];

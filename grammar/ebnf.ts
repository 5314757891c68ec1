// Renders the parser's grammar (its GAST, from getGAstProductions) as EBNF for docs/grammar.md,
// so the documented grammar is the implemented one.
import {
  Alternation,
  type Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type IProduction,
  type Rule,
  type TokenType,
} from "chevrotain";
import { netParser } from "./parser.ts";
import { DTYPE_WORDS } from "./tokens.ts";

/** Terminals that stand for a class of tokens, named as in the lexical section of the docs. */
const terminalNames: Record<string, string> = {
  Ident: "NAME",
  NameLike: "NAME",
  NumberLiteral: "NUMBER",
  Kernel: "KERNEL",
  StringLiteral: "STRING",
  CompareOp: '( "==" | "!=" | "<" | "<=" | ">" | ">=" )',
  AdditiveOp: '( "+" | "-" )',
  MultiplicativeOp: '( "*" | "/" | "%" )',
};

function terminal(type: TokenType): string {
  const named = terminalNames[type.name];
  if (named) return named;
  const label = type.LABEL ?? type.name;
  return `"${label.replace(/^'|'$/g, "")}"`;
}

function sequence(productions: IProduction[]): string {
  return productions.map(production).join(" ");
}

function production(p: IProduction): string {
  // The input's dtype is a gated name: document the words it takes.
  if (p instanceof Terminal && p.label === "dtype") return `( ${DTYPE_WORDS.map((w) => `"${w}"`).join(" | ")} )`;
  if (p instanceof Terminal) return terminal(p.terminalType);
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Option) return `[ ${sequence(p.definition)} ]`;
  if (p instanceof Repetition) return `{ ${sequence(p.definition)} }`;
  if (p instanceof RepetitionMandatory) return `${group(p.definition)} { ${sequence(p.definition)} }`;
  if (p instanceof RepetitionWithSeparator) {
    return `[ ${sequence(p.definition)} { ${terminal(p.separator)} ${sequence(p.definition)} } ]`;
  }
  if (p instanceof RepetitionMandatoryWithSeparator) {
    return `${sequence(p.definition)} { ${terminal(p.separator)} ${sequence(p.definition)} }`;
  }
  if (p instanceof Alternation) return `( ${alternatives(p).join(" | ")} )`;
  return sequence((p as Alternative).definition);
}

function alternatives(p: Alternation): string[] {
  return (p.definition as Alternative[]).map((alt) => sequence(alt.definition));
}

function group(productions: IProduction[]): string {
  return productions.length === 1 ? sequence(productions) : `( ${sequence(productions)} )`;
}

/** `rule = ... ;` per parser rule, in declaration order. */
export function grammarEbnf(): string {
  const rules: Rule[] = Object.values(netParser().getGAstProductions());
  const width = Math.max(...rules.map((r) => r.name.length));
  return rules
    .map((rule) => {
      const [only] = rule.definition;
      const body = rule.definition.length === 1 && only instanceof Alternation
        ? alternatives(only).join(`\n${" ".repeat(width + 1)}| `)
        : sequence(rule.definition);
      return `${rule.name.padEnd(width)} = ${body} ;`;
    })
    .join("\n");
}

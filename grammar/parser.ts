// The .net grammar (LANGUAGE.md sections 2-6) as a pure Chevrotain CstParser: no semantic
// actions, the CST→AST visitor lives in src/syntax/parse.ts. One instance is reused for every
// parse (`netParser().input = tokens`); building a parser is expensive.
import { CstParser, type IOrAlt } from "chevrotain";
import * as t from "./tokens.ts";
import { createSyntaxErrorMessages } from "./error-messages.ts";

export class NetParser extends CstParser {
  /** Each OR's alternatives, built on its first call instead of on every call (Chevrotain's
   * performance guide): parsing allocates less, so it spends less time collecting garbage. */
  private readonly alternatives: Partial<Record<string, IOrAlt<unknown>[]>> = {};

  /** `validate`: run Chevrotain's grammar validations (ambiguities, left recursion, ...) in
   * performSelfAnalysis. They cost most of its time and only a change to this file can make
   * them fail, so the shared instance skips them and test/syntax/grammar.test.ts runs them. */
  constructor(options: { readonly validate?: boolean } = {}) {
    super(t.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      skipValidations: !options.validate,
      errorMessageProvider: createSyntaxErrorMessages(() => netParser().input),
    });
    this.performSelfAnalysis();
  }

  // ---- declarations ---------------------------------------------------------------------

  program = this.RULE("program", () => {
    this.MANY(() => this.SUBRULE(this.topItem));
  });

  topItem = this.RULE("topItem", () => {
    this.OR((this.alternatives.topItem ??= [
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
      { ALT: () => this.SUBRULE(this.predictDecl) },
    ]));
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(t.Model);
    this.CONSUME(t.NameLike, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(t.Block);
    this.CONSUME(t.NameLike, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  paramList = this.RULE("paramList", () => {
    this.CONSUME(t.LParen);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(t.RParen);
  });

  param = this.RULE("param", () => {
    this.CONSUME(t.NameLike, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(t.Equals);
      this.SUBRULE(this.expression, { LABEL: "default" });
    });
  });

  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(t.Train);
    this.CONSUME(t.NameLike, { LABEL: "model" });
    this.SUBRULE(this.configBody);
  });

  predictDecl = this.RULE("predictDecl", () => {
    this.CONSUME(t.Predict);
    this.CONSUME(t.NameLike, { LABEL: "model" });
    this.SUBRULE(this.configBody);
  });

  configBody = this.RULE("configBody", () => {
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.OR((this.alternatives.configBody ??= [{ ALT: () => this.SUBRULE(this.configEntry) }, { ALT: () => this.CONSUME(t.Semicolon) }]));
    });
    this.CONSUME(t.RCurly);
  });

  configEntry = this.RULE("configEntry", () => {
    this.CONSUME(t.Ident, { LABEL: "key" });
    this.CONSUME(t.Colon);
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  // ---- statements -----------------------------------------------------------------------

  /** `{ statements }`: a model or block body, a repeat/if body, a parallel branch. */
  body = this.RULE("body", () => {
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.OR((this.alternatives.body ??= [{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.CONSUME(t.Semicolon) }]));
    });
    this.CONSUME(t.RCurly);
  });

  statement = this.RULE("statement", () => {
    this.OR((this.alternatives.statement ??= [
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.layerStmt) },
      { ALT: () => this.SUBRULE(this.fromStmt) },
      { ALT: () => this.SUBRULE(this.repeatStmt) },
      { ALT: () => this.SUBRULE(this.parallelStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { ALT: () => this.SUBRULE(this.scalingStmt) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
    ]));
  });

  inputStmt = this.RULE("inputStmt", () => {
    this.CONSUME(t.Input);
    this.CONSUME(t.NameLike, { LABEL: "name" });
    this.CONSUME(t.Colon);
    this.SUBRULE(this.expression, { LABEL: "shape" });
    // `int` / `float` after the shape: a contextual word, not a keyword, so names stay free.
    this.OPTION({
      GATE: () => t.isDtypeWord(this.LA(1).image),
      DEF: () => this.CONSUME(t.Ident, { LABEL: "dtype" }),
    });
  });

  layerStmt = this.RULE("layerStmt", () => {
    this.CONSUME(t.Ident, { LABEL: "callee" });
    this.OPTION(() => this.SUBRULE(this.argList));
    this.SUBRULE(this.trailer);
  });

  /** `-> label` and `: [shape]` in either order; a repeated one is reported by the visitor. */
  trailer = this.RULE("trailer", () => {
    this.MANY(() => {
      this.OR((this.alternatives.trailer ??= [{ ALT: () => this.SUBRULE(this.labelTrailer) }, { ALT: () => this.SUBRULE(this.shapeTrailer) }]));
    });
  });

  labelTrailer = this.RULE("labelTrailer", () => {
    this.CONSUME(t.Arrow);
    this.CONSUME(t.NameLike, { LABEL: "label" });
  });

  /** Shapes are read as any expression so that a non-list gets one clear error. */
  shapeTrailer = this.RULE("shapeTrailer", () => {
    this.CONSUME(t.Colon);
    this.SUBRULE(this.expression, { LABEL: "shape" });
  });

  fromStmt = this.RULE("fromStmt", () => {
    this.CONSUME(t.From);
    this.CONSUME(t.NameLike, { LABEL: "source" });
  });

  repeatStmt = this.RULE("repeatStmt", () => {
    this.CONSUME(t.Repeat);
    this.SUBRULE(this.expression, { LABEL: "count" });
    this.OPTION(() => {
      this.CONSUME(t.As);
      this.CONSUME(t.NameLike, { LABEL: "index" });
    });
    this.SUBRULE(this.body);
    this.SUBRULE(this.trailer);
  });

  parallelStmt = this.RULE("parallelStmt", () => {
    this.CONSUME(t.Parallel);
    this.CONSUME(t.Ident, { LABEL: "merge" });
    this.OPTION(() => this.SUBRULE(this.argList));
    this.CONSUME(t.LCurly);
    this.MANY(() => this.SUBRULE(this.body, { LABEL: "branch" }));
    this.CONSUME(t.RCurly);
    this.SUBRULE(this.trailer);
  });

  /** `if c { } else if d { } else { }`: the chain is flat here, nested by the visitor, so a
   * trailer after the last `}` belongs to the whole statement. */
  ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(t.If);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.SUBRULE(this.body, { LABEL: "then" });
    this.MANY(() => this.SUBRULE(this.elseIf));
    this.OPTION(() => {
      this.CONSUME(t.Else);
      this.SUBRULE2(this.body, { LABEL: "else" });
    });
    this.SUBRULE(this.trailer);
  });

  elseIf = this.RULE("elseIf", () => {
    this.CONSUME(t.Else);
    this.CONSUME(t.If);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.SUBRULE(this.body, { LABEL: "then" });
  });

  outputStmt = this.RULE("outputStmt", () => {
    this.CONSUME(t.Output);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => this.CONSUME(t.Ident, { LABEL: "names" }) });
  });

  scalingStmt = this.RULE("scalingStmt", () => {
    this.CONSUME(t.Scaling);
    this.CONSUME(t.Ident, { LABEL: "callee" });
    this.SUBRULE(this.argList);
  });

  // ---- arguments and expressions (lowest precedence first) ------------------------------

  argList = this.RULE("argList", () => {
    this.CONSUME(t.LParen);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.arg) });
    this.CONSUME(t.RParen);
  });

  /** `stride = 2` (named) or `64` (positional). */
  arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(t.Ident, { LABEL: "name" });
      this.CONSUME(t.Equals);
    });
    this.SUBRULE(this.expression, { LABEL: "value" });
  });

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(t.Or, { LABEL: "operators" });
      this.SUBRULE2(this.andExpr, { LABEL: "operands" });
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(t.And, { LABEL: "operators" });
      this.SUBRULE2(this.notExpr, { LABEL: "operands" });
    });
  });

  notExpr = this.RULE("notExpr", () => {
    this.OR((this.alternatives.notExpr ??= [
      {
        ALT: () => {
          this.CONSUME(t.Not);
          this.SUBRULE(this.notExpr, { LABEL: "operand" });
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]));
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(t.CompareOp, { LABEL: "operators" });
      this.SUBRULE2(this.additive, { LABEL: "operands" });
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(t.AdditiveOp, { LABEL: "operators" });
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.CONSUME(t.MultiplicativeOp, { LABEL: "operators" });
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  /** Unary minus binds looser than `**` (`-2 ** 2` is -4) but `2 ** -1` is allowed. */
  unary = this.RULE("unary", () => {
    this.OR((this.alternatives.unary ??= [
      {
        ALT: () => {
          this.CONSUME(t.AdditiveOp, { LABEL: "sign" });
          this.SUBRULE(this.unary, { LABEL: "operand" });
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]));
  });

  /** Right-associative: `2 ** 3 ** 2` is `2 ** (3 ** 2)`. */
  power = this.RULE("power", () => {
    this.SUBRULE(this.primary, { LABEL: "base" });
    this.OPTION(() => {
      this.CONSUME(t.Power);
      this.SUBRULE(this.unary, { LABEL: "exponent" });
    });
  });

  primary = this.RULE("primary", () => {
    this.OR((this.alternatives.primary ??= [
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      { ALT: () => this.CONSUME(t.Kernel) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.True) },
      { ALT: () => this.CONSUME(t.False) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
    ]));
  });

  list = this.RULE("list", () => {
    this.CONSUME(t.LBracket);
    this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: "elements" }) });
    this.CONSUME(t.RBracket);
  });

  nameOrCall = this.RULE("nameOrCall", () => {
    this.CONSUME(t.Ident, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.argList));
  });

  parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(t.LParen);
    this.SUBRULE(this.expression, { LABEL: "inner" });
    this.CONSUME(t.RParen);
  });
}

let shared: NetParser | undefined;

/** The one parser instance, built on first use (~0.1 s: a command or a language server that
 * never parses in this thread does not pay for it). */
export function netParser(): NetParser {
  shared ??= new NetParser();
  return shared;
}

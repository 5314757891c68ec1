// The readonly AST produced by parse(). Every node carries its span (offsets into the text).
// Facts computed later (shapes, params) live in side tables keyed by node, never on the node.
import type { Span } from "../diagnostics/diagnostic.ts";

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly span: Span;
}

export interface Comment {
  readonly kind: "Comment";
  /** Full text including the `//` or `/* *\/` delimiters. */
  readonly text: string;
  readonly block: boolean;
  readonly span: Span;
  /** The line the comment ends on and the line after it, without line breaks: where
   * `// netc-disable-line` and `// netc-disable-next-line` apply. */
  readonly lines?: { readonly own: Span; readonly next: Span };
}

export interface Program {
  readonly kind: "Program";
  readonly items: readonly TopItem[];
  /** Every comment of the file in source order (for the formatter). */
  readonly comments: readonly Comment[];
  readonly span: Span;
}

export type TopItem = ModelDecl | BlockDecl | TrainDecl | PredictDecl;

export interface ParamDecl {
  readonly kind: "ParamDecl";
  readonly name: Ident;
  readonly default?: Expr;
  readonly span: Span;
}

export interface ModelDecl {
  readonly kind: "Model";
  readonly name: Ident;
  /** Empty when the model has no parameter list; `hasParens` tells `model M()` from `model M`. */
  readonly params: readonly ParamDecl[];
  readonly hasParens: boolean;
  readonly body: readonly Statement[];
  readonly span: Span;
}

export interface BlockDecl {
  readonly kind: "Block";
  readonly name: Ident;
  readonly params: readonly ParamDecl[];
  readonly hasParens: boolean;
  readonly body: readonly Statement[];
  readonly span: Span;
}

/** `train Name { key: value ... }` and `predict Name { ... }`. */
export interface TrainDecl {
  readonly kind: "Train";
  readonly model: Ident;
  readonly entries: readonly ConfigEntry[];
  readonly span: Span;
}

export interface PredictDecl {
  readonly kind: "Predict";
  readonly model: Ident;
  readonly entries: readonly ConfigEntry[];
  readonly span: Span;
}

export interface ConfigEntry {
  readonly kind: "ConfigEntry";
  readonly key: Ident;
  readonly value: Expr;
  readonly span: Span;
}

// ---- statements -------------------------------------------------------------------------

/** `-> label` and `: [shape]` that may follow any tensor-producing statement. */
export interface Trailer {
  readonly label?: Ident;
  readonly assertShape?: ListExpr;
}

export type Statement =
  | InputStmt
  | LayerStmt
  | FromStmt
  | RepeatStmt
  | ParallelStmt
  | IfStmt
  | OutputStmt
  | ScalingStmt
  | BlockDecl;

/** `input x: [28, 28, 1]`, `input ids: [64] int` */
export interface InputStmt {
  readonly kind: "Input";
  readonly name: Ident;
  readonly shape: ListExpr;
  /** `int` for token ids (spec section 11); absent when not written (float). */
  readonly dtype?: { readonly name: "int" | "float"; readonly span: Span };
  readonly span: Span;
}

/** An op or block call: `conv(6, 5x5) -> c1 : [..]`, `relu`, `relu()`, `add(c1)`. */
export interface LayerStmt extends Trailer {
  readonly kind: "Layer";
  readonly callee: Ident;
  readonly args: readonly Arg[];
  /** `relu` (false) vs `relu()` (true); the formatter keeps what was written. */
  readonly hasParens: boolean;
  readonly span: Span;
}

/** `from c1` */
export interface FromStmt {
  readonly kind: "From";
  readonly source: Ident;
  readonly span: Span;
}

/** `repeat n [as i] { ... }` */
export interface RepeatStmt extends Trailer {
  readonly kind: "Repeat";
  readonly count: Expr;
  readonly index?: Ident;
  readonly body: readonly Statement[];
  readonly span: Span;
}

/** `parallel add { { ... } { ... } }`; `merge` is add | concat | mul (checked, not parsed). */
export interface ParallelStmt extends Trailer {
  readonly kind: "Parallel";
  readonly merge: Ident;
  /** Optional arguments of the merge, e.g. `parallel concat(axis = -1) { ... }`. */
  readonly mergeArgs: readonly Arg[];
  readonly branches: readonly Branch[];
  readonly span: Span;
}

export interface Branch {
  readonly kind: "Branch";
  readonly body: readonly Statement[];
  readonly span: Span;
}

/** `if cond { ... } else { ... }`; `else if` is represented as an else-body holding one IfStmt. */
export interface IfStmt extends Trailer {
  readonly kind: "If";
  readonly condition: Expr;
  readonly then: readonly Statement[];
  readonly else?: readonly Statement[];
  readonly span: Span;
}

/** `output a, b` */
export interface OutputStmt {
  readonly kind: "Output";
  readonly names: readonly Ident[];
  readonly span: Span;
}

/** `scaling compound(phi, alpha = 1.2, beta = 1.1, gamma = 1.15)` */
export interface ScalingStmt {
  readonly kind: "Scaling";
  readonly callee: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

// ---- expressions ------------------------------------------------------------------------

/** A positional (`name` absent) or named (`stride = 2`) argument. */
export interface Arg {
  readonly kind: "Arg";
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export type Expr =
  | NumberLit
  | KernelLit
  | StringLit
  | BoolLit
  | ListExpr
  | NameRef
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | ParenExpr
  | ErrorExpr;

export interface NumberLit {
  readonly kind: "Number";
  readonly value: number;
  /** As written (`1e-3`, `.25`), for the formatter. */
  readonly raw: string;
  readonly span: Span;
}

/** `5x5` (H x W). A bare integer kernel `3` is a NumberLit; the checker reads it as 3x3. */
export interface KernelLit {
  readonly kind: "Kernel";
  readonly h: number;
  readonly w: number;
  readonly raw: string;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: "String";
  /** Unescaped value. */
  readonly value: string;
  readonly raw: string;
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: "Bool";
  readonly value: boolean;
  readonly span: Span;
}

export interface ListExpr {
  readonly kind: "List";
  readonly elements: readonly Expr[];
  readonly span: Span;
}

/** A parameter, loop variable, label, or bare option word (`same`, `adam`, `accuracy`). */
export interface NameRef {
  readonly kind: "Name";
  readonly name: string;
  readonly span: Span;
}

export type UnaryOp = "-" | "+" | "not";

export interface UnaryExpr {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or";

export interface BinaryExpr {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** Built-in functions (`max(a, b)`, `width(32)`) and option words with arguments
 * (`adam(lr = 0.001)`, `cosine(t_max = 10)`, `top_k(5)`, `overlap(tile = 572)`). */
export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface ParenExpr {
  readonly kind: "Paren";
  readonly inner: Expr;
  readonly span: Span;
}

/** Stands in for an expression the parser could not read (a syntax error was reported). */
export interface ErrorExpr {
  readonly kind: "Error";
  readonly span: Span;
}

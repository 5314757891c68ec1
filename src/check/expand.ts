// Expands one model into graph nodes: blocks, repeats, parallels and ifs unrolled, every op
// built (shape, attrs, params, MACs), auto names `<op>_<k>` in source order of the expanded
// graph. A tensor whose shape is unknown after an error flows on silently (null).
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type {
  Arg,
  BlockDecl,
  FromStmt,
  Ident,
  IfStmt,
  InputStmt,
  LayerStmt,
  ModelDecl,
  OutputStmt,
  ParallelStmt,
  RepeatStmt,
  Statement,
  Trailer,
} from "../syntax/ast.ts";
import type { OpAttrs, ParamSpec } from "../runtime/ops.ts";
import type { GraphGroup, GraphNode } from "../ir/graph.ts";
import { bindArgs, type ParamSig } from "./args.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import { evaluate, evaluateArgs, expectBool, type EvalEnv } from "./evaluate.ts";
import { addReference, declareSymbol, type CheckFacts, type SymbolInfo } from "./facts.ts";
import { OpArgs } from "./op-args.ts";
import { ops, isOpName } from "./ops/registry.ts";
import { isMergeOp, MERGE_OPS, mergeShapes } from "./ops/merge.ts";
import type { OpOutput } from "./ops/op-def.ts";
import type { Scaling } from "./scaling.ts";
import { Scope } from "./scope.ts";
import { describeTensor, elementCount, formatShape, type TensorRef } from "./tensor.ts";
import { describeValue, snapToInteger, unknownValue, type SpannedArg, type Value } from "./value.ts";

const MAX_ELEMENTS = 2 ** 31;
/** Expanded statements per model; beyond it the model is absurd (`repeat 1e9 { ... }`). */
export const MAX_EXPANDED_STATEMENTS = 100_000;

/** The current tensor: a known tensor, null (unknown after an error), or none yet. */
type Current = TensorRef | null | undefined;

interface LabelBinding {
  readonly ref: TensorRef | null;
  readonly ident: Ident;
  readonly symbol: SymbolInfo;
}

/** A model body or one call of a block: its scope, its labels and its current tensor. */
interface Frame {
  scope: Scope;
  readonly labels: Map<string, LabelBinding>;
  current: Current;
  /** Set by `output a, b` in the model body. */
  outputs?: (TensorRef | null)[];
}

export interface ExpandedModel {
  readonly nodes: GraphNode[];
  /** The layer statement (or input) that produced each node, by node id; for lints. */
  readonly statementOf: (LayerStmt | InputStmt | ParallelStmt)[];
  readonly inputs: number[];
  /** null: unknown after an error. */
  readonly outputs: (TensorRef | null)[] | undefined;
  /** Label declarations (the label Ident) and whether anything read them. */
  readonly labelUses: Map<Ident, boolean>;
}

export interface ExpandContext {
  readonly facts: CheckFacts;
  readonly scaling: Scaling;
  readonly usedBlocks: Set<BlockDecl>;
  report(d: Diagnostic): void;
}

interface BlockCall {
  readonly decl: BlockDecl;
  readonly span: Span;
}

export class ModelExpander {
  private readonly nodes: GraphNode[] = [];
  private readonly statementOf: (LayerStmt | InputStmt | ParallelStmt)[] = [];
  private readonly inputs: number[] = [];
  private readonly counters = new Map<string, number>();
  private readonly names = new Map<string, Span>();
  private readonly labelUses = new Map<Ident, boolean>();
  private readonly calls: BlockCall[] = [];
  /** Block calls and repeat iterations being expanded, outermost first (GraphNode.groups). */
  private readonly groups: GraphGroup[] = [];
  private groupCount = 0;
  /** Without any input statement NET2012 says it all; "no input tensor" would repeat it. */
  private readonly hasInput: boolean;
  private expandedStatements = 0;
  /** Set once the expansion budget is spent: the rest of the model is skipped. */
  private tooLarge = false;

  constructor(
    private readonly model: ModelDecl,
    private readonly ctx: ExpandContext,
  ) {
    this.hasInput = containsInput(model.body);
  }

  expand(modelScope: Scope): ExpandedModel {
    const frame: Frame = { scope: modelScope, labels: new Map(), current: undefined };
    this.expandBody(this.model.body, frame);
    if (!this.hasInput) {
      this.report(
        diagnostic(
          "NET2012",
          this.model.name.span,
          `model ${this.model.name.name} has no input; add one, e.g. input x: [28, 28, 1]`,
        ),
      );
    }
    const outputs = frame.outputs ?? (frame.current === undefined ? undefined : [frame.current]);
    for (const out of outputs ?? []) if (out) this.markOutputLabels(out.node, frame);
    return { nodes: this.nodes, statementOf: this.statementOf, inputs: this.inputs, outputs, labelUses: this.labelUses };
  }

  // ---- statements ------------------------------------------------------------------------

  private expandBody(body: readonly Statement[], frame: Frame): void {
    this.declareBlocks(body, frame.scope);
    for (const stmt of body) this.expandStatement(stmt, frame);
  }

  private declareBlocks(body: readonly Statement[], scope: Scope): void {
    for (const stmt of body) {
      if (stmt.kind !== "Block") continue;
      const existing = scope.ownBlock(stmt.name.name);
      if (existing) {
        this.report(
          diagnostic("NET2009", stmt.name.span, `block '${stmt.name.name}' is declared twice`, {
            related: [{ span: existing.decl.name.span, message: "first declared here" }],
          }),
        );
        continue;
      }
      const symbol = declareSymbol(this.ctx.facts, stmt, "block", stmt.name.name, stmt.name.span);
      scope.setBlock(stmt.name.name, { decl: stmt, scope, symbol });
    }
  }

  private expandStatement(stmt: Statement, frame: Frame): void {
    if (!this.spend(stmt.span)) return;
    const before = this.nodes.length;
    switch (stmt.kind) {
      case "Block":
      case "Scaling":
        return; // blocks are declared up front; scaling is read before expansion
      case "Input":
        this.expandInput(stmt, frame);
        break;
      case "Layer":
        frame.current = this.expandLayer(stmt, frame);
        break;
      case "From":
        frame.current = this.expandFrom(stmt, frame);
        break;
      case "Repeat":
        this.expandRepeat(stmt, frame);
        break;
      case "Parallel":
        frame.current = this.expandParallel(stmt, frame);
        break;
      case "If":
        this.expandIf(stmt, frame);
        break;
      case "Output":
        this.expandOutput(stmt, frame);
        return;
    }
    if (stmt.kind !== "Input" && stmt.kind !== "From") this.applyTrailer(stmt, frame);
    this.recordFacts(stmt, frame.current, before);
  }

  /** Counts one unit of expansion work; false (reported once) when the budget is spent. */
  private spend(at: Span): boolean {
    if (this.tooLarge) return false;
    if (++this.expandedStatements <= MAX_EXPANDED_STATEMENTS) return true;
    this.tooLarge = true;
    this.report(
      diagnostic(
        "NET3008",
        at,
        `model ${this.model.name.name} expands to more than ${MAX_EXPANDED_STATEMENTS.toLocaleString("en-US")} statements; check the repeat counts`,
      ),
    );
    return false;
  }

  private recordFacts(stmt: Statement, current: Current, before: number): void {
    let facts = this.ctx.facts.statements.get(stmt);
    if (!facts) {
      facts = { outputs: [], params: 0, macs: 0, nodeIds: [] };
      this.ctx.facts.statements.set(stmt, facts);
    }
    facts.outputs.push(current ? current.shape : null);
    for (const node of this.nodes.slice(before)) {
      facts.params += node.paramCount;
      facts.macs += node.macs;
      facts.nodeIds.push({ model: this.model.name.name, id: node.id });
    }
  }

  private expandInput(stmt: InputStmt, frame: Frame): void {
    const env = this.env(frame);
    const dims = stmt.shape.elements.map((e) =>
      this.positiveInt(evaluate(e, env), e.span, `dimension of input ${stmt.name.name}`, env),
    );
    const name = stmt.name.name;
    const existing = frame.labels.get(name);
    if (existing) {
      this.report(
        diagnostic("NET2009", stmt.name.span, `'${name}' is already declared`, {
          related: [{ span: existing.ident.span, message: "first declared here" }],
        }),
      );
      return;
    }
    const symbol = declareSymbol(this.ctx.facts, stmt, "input", name, stmt.name.span);
    let ref: TensorRef | null = null;
    if (dims.every((d): d is number => d !== undefined)) {
      const int = stmt.dtype?.name === "int";
      const attrs: OpAttrs = int ? { op: "input", name, dtype: "int" } : { op: "input", name };
      const counts = { params: [], macs: 0, ...(int ? { dtype: "int" as const } : {}) };
      ref = this.addNode(attrs, name, stmt.name.span, [], dims, counts, stmt);
      if (ref) this.inputs.push(ref.node);
    }
    frame.labels.set(name, { ref, ident: stmt.name, symbol });
    frame.current = ref;
  }

  private expandLayer(stmt: LayerStmt, frame: Frame): Current {
    const callee = stmt.callee.name;
    const env = this.env(frame);
    const callSpan = layerCallSpan(stmt);
    if (isOpName(callee)) {
      const { args, name } = this.splitNameArg(stmt.args, env);
      const def = ops[callee];
      const bound = bindArgs(callee, stmt.callee.span, args, def.signature, (d) => this.report(d));
      const input = this.requireCurrent(frame.current, stmt.callee);
      if (input === undefined) return null;
      const opArgs = new OpArgs(callee, bound, callSpan, {
        report: (d) => this.report(d),
        visibleNames: () => env.visibleNames(),
        labelNames: () => frame.labels.keys(),
      });
      if (!bound.complete || input === null || name === null) return null;
      if (!this.readsDtype(callee, def.reads ?? "float", input, callSpan)) return null;
      const out = def.build(
        input.shape,
        opArgs,
        { span: callSpan, report: (d) => this.report(d), nodeNamed: (n) => this.nodeNamed(n) },
        input,
      );
      if (!out) return null;
      const extra = out.extraInputs ?? [];
      if (!extra.every((t) => this.readsDtype(callee, def.reads ?? "float", t, callSpan))) return null;
      const inputs = [input.node, ...extra.map((t) => t.node)];
      return this.addNode(out.attrs, name, callSpan, inputs, out.shape, out, stmt);
    }
    const block = frame.scope.block(callee);
    if (block) return this.callBlock(stmt, block.decl, block.scope, block.symbol, frame, env);
    const suggestion = closest(callee, [...Object.keys(ops), ...frame.scope.blockNames()]);
    this.report(
      diagnostic("NET2001", stmt.callee.span, `unknown op or block '${callee}'${didYouMeanText(suggestion)}`, {
        fixes: suggestion
          ? [{ title: `change to '${suggestion}'`, edits: [{ span: stmt.callee.span, newText: suggestion }] }]
          : [],
      }),
    );
    return null;
  }

  /** Reports (NET3013) a tensor of the wrong element type for the op: an int tensor of token
   * ids into anything but embedding/take, or a float tensor into embedding. */
  private readsDtype(op: string, reads: "float" | "int" | "any", ref: TensorRef, span: Span): boolean {
    const dtype = ref.dtype ?? "float";
    if (reads === "any" || reads === dtype) return true;
    const what = describeTensor(ref);
    const message =
      dtype === "int"
        ? `${op} cannot read ${what} (token ids): only embedding and take read int tensors; insert embedding(vocab, dim) before it`
        : `${op} reads int token ids, got ${what}; declare the input as int (input ids: [T] int)`;
    this.report(diagnostic("NET3013", span, message));
    return false;
  }

  private nodeNamed(name: string): GraphNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** `name = "stem"` belongs to every op; split it off before binding the op's own arguments.
   * Gives undefined for an auto name, null for a bad one (reported). */
  private splitNameArg(args: readonly Arg[], env: EvalEnv): { args: SpannedArg[]; name: string | undefined | null } {
    const evaluated = evaluateArgs(args, env);
    const nameArg = evaluated.find((a) => a.name === "name");
    const rest = evaluated.filter((a) => a !== nameArg);
    if (!nameArg) return { args: rest, name: undefined };
    if (nameArg.value.kind === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(nameArg.value.value)) {
      return { args: rest, name: nameArg.value.value };
    }
    if (nameArg.value.kind !== "unknown") {
      this.report(
        diagnostic(
          "NET2008",
          nameArg.span,
          `a layer name must be a string like "stem" (letters, digits, _), got ${describeValue(nameArg.value)}`,
        ),
      );
    }
    return { args: rest, name: null };
  }

  private requireCurrent(current: Current, at: Ident): TensorRef | null | undefined {
    if (current !== undefined) return current;
    if (!this.hasInput) return undefined;
    this.report(diagnostic("NET2018", at.span, `'${at.name}' has no input tensor: declare an input first (input x: [H, W, C])`));
    return undefined;
  }

  private callBlock(stmt: LayerStmt, decl: BlockDecl, defScope: Scope, symbol: SymbolInfo, frame: Frame, env: EvalEnv): Current {
    this.ctx.usedBlocks.add(decl);
    addReference(symbol, stmt.callee.span);
    const args = evaluateArgs(stmt.args, env);
    const sig: ParamSig[] = decl.params.map((p) => ({ name: p.name.name, required: p.default === undefined }));
    const bound = bindArgs(decl.name.name, stmt.callee.span, args, sig, (d) => this.report(d));
    const input = this.requireCurrent(frame.current, stmt.callee);
    if (input === undefined) return null;
    const cycle = this.calls.findIndex((c) => c.decl === decl);
    if (cycle >= 0) {
      const chain = [...this.calls.slice(cycle).map((c) => c.decl.name.name), decl.name.name].join(" → ");
      this.report(
        diagnostic(
          "NET2011",
          stmt.callee.span,
          `block '${decl.name.name}' calls itself (${chain}); a block cannot be recursive`,
          {
            related: [{ span: decl.name.span, message: "declared here" }],
          },
        ),
      );
      return null;
    }
    if (!bound.complete) return null;
    const scope = new Scope(defScope);
    for (const p of decl.params) {
      const given = bound.values.get(p.name.name);
      const value = given
        ? given.value
        : p.default
          ? evaluate(p.default, this.env({ scope, labels: new Map(), current: undefined }))
          : unknownValue;
      const paramSymbol = declareSymbol(this.ctx.facts, p, "param", p.name.name, p.name.span);
      scope.setValue(p.name.name, { value, symbol: paramSymbol });
    }
    this.calls.push({ decl, span: stmt.span });
    this.groups.push({ id: this.groupCount++, kind: "block", name: decl.name.name, span: stmt.span });
    const inner: Frame = { scope, labels: new Map(), current: input };
    this.expandBody(decl.body, inner);
    this.groups.pop();
    this.calls.pop();
    for (const label of inner.labels.values())
      if (inner.current && label.ref?.node === inner.current.node) this.labelUses.set(label.ident, true);
    return inner.current;
  }

  private expandFrom(stmt: FromStmt, frame: Frame): Current {
    const value = this.env(frame).lookup(stmt.source.name, stmt.source.span);
    if (value?.kind === "tensor") return value.ref;
    if (value?.kind === "unknown") return null;
    const suggestion = closest(stmt.source.name, frame.labels.keys());
    this.report(
      diagnostic("NET2002", stmt.source.span, `unknown label '${stmt.source.name}'${didYouMeanText(suggestion)}`, {
        fixes: suggestion
          ? [{ title: `change to '${suggestion}'`, edits: [{ span: stmt.source.span, newText: suggestion }] }]
          : [],
      }),
    );
    return null;
  }

  private expandRepeat(stmt: RepeatStmt, frame: Frame): void {
    const env = this.env(frame);
    const count = this.nonNegativeInt(evaluate(stmt.count, env), stmt.count.span, "repeat count", env);
    if (count === undefined) {
      frame.current = frame.current === undefined ? undefined : null;
      return;
    }
    const outer = frame.scope;
    const indexSymbol = stmt.index && declareSymbol(this.ctx.facts, stmt.index, "loop", stmt.index.name, stmt.index.span);
    for (let i = 0; i < count && this.spend(stmt.span); i++) {
      frame.scope = new Scope(outer);
      if (stmt.index)
        frame.scope.setValue(stmt.index.name, {
          value: { kind: "number", value: i },
          ...(indexSymbol ? { symbol: indexSymbol } : {}),
        });
      this.groups.push({ id: this.groupCount++, kind: "repeat", name: "repeat", span: stmt.span, iteration: i, count });
      this.expandBody(stmt.body, frame);
      this.groups.pop();
    }
    frame.scope = outer;
  }

  private expandParallel(stmt: ParallelStmt, frame: Frame): Current {
    const merge = stmt.merge.name;
    const env = this.env(frame);
    if (!isMergeOp(merge)) {
      const suggestion = closest(merge, MERGE_OPS);
      this.report(
        diagnostic(
          "NET2008",
          stmt.merge.span,
          `parallel merges with ${MERGE_OPS.join(", ")}, got '${merge}'${didYouMeanText(suggestion)}`,
        ),
      );
      return null;
    }
    const mergeArgs = evaluateArgs(stmt.mergeArgs, env);
    const bound = bindArgs(merge, stmt.merge.span, mergeArgs, merge === "concat" ? [{ name: "axis" }] : [], (d) =>
      this.report(d),
    );
    const opArgs = new OpArgs(merge, bound, stmt.merge.span, {
      report: (d) => this.report(d),
      visibleNames: () => env.visibleNames(),
      labelNames: () => frame.labels.keys(),
    });
    const axis = opArgs.int("axis", -1);
    const input = this.requireCurrent(frame.current, stmt.merge);
    if (input === undefined) return null;
    if (stmt.branches.length < 2) {
      this.report(diagnostic("NET3003", stmt.merge.span, `parallel needs at least two branches, got ${stmt.branches.length}`));
      return null;
    }
    const outer = frame.scope;
    const results: Current[] = stmt.branches.map((branch) => {
      const inner: Frame = { scope: new Scope(outer), labels: frame.labels, current: input };
      this.expandBody(branch.body, inner);
      return inner.current;
    });
    if (axis === undefined || input === null || !results.every((r): r is TensorRef => !!r)) return null;
    const span = parallelHeadSpan(stmt);
    if (!results.every((r) => this.readsDtype(merge, "float", r, span))) return null;
    const merged = mergeShapes(
      merge,
      results.map((r) => r.shape),
      axis,
      { span, report: (d) => this.report(d) },
      opArgs.spanOf("axis"),
    );
    if (!merged) return null;
    return this.addNode(
      merged.attrs,
      undefined,
      stmt.span,
      results.map((r) => r.node),
      merged.shape,
      { params: [], macs: 0 },
      stmt,
    );
  }

  private expandIf(stmt: IfStmt, frame: Frame): void {
    const env = this.env(frame);
    const cond = expectBool({ value: evaluate(stmt.condition, env), span: stmt.condition.span }, env);
    if (cond === undefined) {
      frame.current = frame.current === undefined ? undefined : null;
      return;
    }
    const outer = frame.scope;
    frame.scope = new Scope(outer);
    this.expandBody(cond ? stmt.then : (stmt.else ?? []), frame);
    frame.scope = outer;
  }

  private expandOutput(stmt: OutputStmt, frame: Frame): void {
    const env = this.env(frame);
    frame.outputs = stmt.names.map((ident) => {
      const value = env.lookup(ident.name, ident.span);
      if (value?.kind === "tensor") return value.ref;
      if (value?.kind !== "unknown") {
        const suggestion = closest(ident.name, frame.labels.keys());
        this.report(diagnostic("NET2002", ident.span, `unknown label '${ident.name}'${didYouMeanText(suggestion)}`));
      }
      return null;
    });
  }

  private applyTrailer(stmt: Trailer & { span: Span }, frame: Frame): void {
    const current = frame.current;
    if (stmt.assertShape) {
      const env = this.env(frame);
      const expected = stmt.assertShape.elements.map((e) =>
        this.positiveInt(evaluate(e, env), e.span, "asserted dimension", env),
      );
      if (current && expected.every((d): d is number => d !== undefined)) {
        const same = expected.length === current.shape.length && expected.every((d, i) => d === current.shape[i]);
        if (!same) {
          this.report(
            diagnostic(
              "NET3007",
              stmt.assertShape.span,
              `shape assertion failed: expected ${formatShape(expected)}, got ${formatShape(current.shape)}`,
              {
                fixes: [
                  {
                    title: `change to ${formatShape(current.shape)}`,
                    edits: [{ span: stmt.assertShape.span, newText: formatShape(current.shape) }],
                  },
                ],
              },
            ),
          );
        }
      }
    }
    if (stmt.label) this.bindLabel(stmt.label, current === undefined ? null : current, frame);
  }

  private bindLabel(ident: Ident, ref: TensorRef | null, frame: Frame): void {
    const existing = frame.labels.get(ident.name);
    if (existing && existing.ident !== ident) {
      this.report(
        diagnostic("NET2009", ident.span, `label '${ident.name}' is already declared`, {
          related: [{ span: existing.ident.span, message: "first declared here" }],
        }),
      );
      return;
    }
    const symbol = declareSymbol(this.ctx.facts, ident, "label", ident.name, ident.span);
    if (!this.labelUses.has(ident)) this.labelUses.set(ident, false);
    frame.labels.set(ident.name, { ref, ident, symbol });
    if (ref) {
      const node = this.nodes[ref.node]!;
      this.nodes[ref.node] = { ...node, label: ident.name };
    }
  }

  private markOutputLabels(node: number, frame: Frame): void {
    for (const label of frame.labels.values()) if (label.ref?.node === node) this.labelUses.set(label.ident, true);
  }

  // ---- nodes -----------------------------------------------------------------------------

  private addNode(
    attrs: OpAttrs,
    explicitName: string | undefined,
    span: Span,
    inputs: number[],
    shape: readonly number[],
    counts: Pick<OpOutput, "params" | "macs" | "dtype">,
    stmt: LayerStmt | InputStmt | ParallelStmt,
  ): TensorRef | null {
    const elements = elementCount(shape);
    if (elements > MAX_ELEMENTS) {
      this.report(
        diagnostic(
          "NET3008",
          span,
          `the output ${formatShape(shape)} has ${elements.toLocaleString("en-US")} elements, more than 2^31; this cannot be allocated`,
        ),
      );
      return null;
    }
    const name = explicitName ?? this.autoName(attrs.op);
    const taken = this.names.get(name);
    if (taken) {
      this.report(
        diagnostic("NET2010", span, `layer name '${name}' is already used`, {
          related: [{ span: taken, message: "first used here" }],
        }),
      );
      return null;
    }
    this.names.set(name, span);
    const params: readonly ParamSpec[] = counts.params;
    const paramCount = params.reduce((n, p) => n + elementCount(p.shape), 0);
    const trainableParams = params.filter((p) => p.trainable).reduce((n, p) => n + elementCount(p.shape), 0);
    const id = this.nodes.length;
    const outer = this.calls[0];
    this.nodes.push({
      id,
      name,
      attrs,
      inputs,
      shape,
      params,
      span,
      callSite: outer ? outer.span : span,
      ...(this.groups.length > 0 ? { groups: [...this.groups] } : {}),
      paramCount,
      trainableParams,
      macs: counts.macs,
    });
    this.statementOf.push(stmt);
    return counts.dtype ? { node: id, shape, dtype: counts.dtype } : { node: id, shape };
  }

  private autoName(op: string): string {
    for (;;) {
      const k = this.counters.get(op) ?? 0;
      this.counters.set(op, k + 1);
      const name = `${op}_${k}`;
      if (!this.names.has(name)) return name;
    }
  }

  // ---- values ----------------------------------------------------------------------------

  private env(frame: Frame): EvalEnv {
    return {
      lookup: (name, span) => {
        const binding = frame.scope.value(name);
        if (binding) {
          if (binding.symbol) addReference(binding.symbol, span);
          return binding.value;
        }
        const label = frame.labels.get(name);
        if (!label) return undefined;
        addReference(label.symbol, span);
        this.labelUses.set(label.ident, true);
        return label.ref ? { kind: "tensor", label: name, ref: label.ref } : unknownValue;
      },
      visibleNames: () => frame.scope.valueNames(),
      scaling: this.ctx.scaling,
      report: (d) => this.report(d),
    };
  }

  private positiveInt(value: Value, span: Span, what: string, env: EvalEnv): number | undefined {
    const n = this.integer(value, span, what, env);
    if (n === undefined) return undefined;
    if (n < 1) {
      this.report(diagnostic("NET3003", span, `${what} must be positive, got ${n}`));
      return undefined;
    }
    return n;
  }

  private nonNegativeInt(value: Value, span: Span, what: string, env: EvalEnv): number | undefined {
    const n = this.integer(value, span, what, env);
    if (n === undefined) return undefined;
    if (n < 0) {
      this.report(diagnostic("NET3003", span, `${what} must not be negative, got ${n}`));
      return undefined;
    }
    return n;
  }

  private integer(value: Value, span: Span, what: string, env: EvalEnv): number | undefined {
    if (value.kind === "unknown") return undefined;
    if (value.kind !== "number") {
      env.report(diagnostic("NET2008", span, `${what} must be a number, got ${describeValue(value)}`));
      return undefined;
    }
    const n = snapToInteger(value.value);
    if (!Number.isInteger(n)) {
      this.report(
        diagnostic(
          "NET3002",
          span,
          `${what} must be an integer, got ${value.value}; wrap it in floor(), round() or make_divisible()`,
        ),
      );
      return undefined;
    }
    return n;
  }

  /** Diagnostics inside a block body get a note pointing at the call that expanded them. */
  private report(d: Diagnostic): void {
    const call = this.calls[this.calls.length - 1];
    if (call && !(d.span.start >= call.span.start && d.span.end <= call.span.end)) {
      d = { ...d, related: [...(d.related ?? []), { span: call.span, message: `in this call of ${call.decl.name.name}` }] };
    }
    this.ctx.report(d);
  }
}

function containsInput(body: readonly Statement[]): boolean {
  return body.some((s) => {
    switch (s.kind) {
      case "Input":
        return true;
      case "Repeat":
        return containsInput(s.body);
      case "If":
        return containsInput(s.then) || containsInput(s.else ?? []);
      case "Parallel":
        return s.branches.some((b) => containsInput(b.body));
      default:
        return false;
    }
  });
}

/** The call without its trailer: `conv(6, 5x5)` of `conv(6, 5x5) -> c1 : [..]`. */
export function layerCallSpan(stmt: LayerStmt): Span {
  if (!stmt.label && !stmt.assertShape) return stmt.span;
  const last = stmt.args[stmt.args.length - 1];
  const end = last ? last.span.end + 1 : stmt.callee.span.end + (stmt.hasParens ? 2 : 0);
  return { start: stmt.span.start, end };
}

/** `parallel add` of a parallel statement (where merge errors point). */
function parallelHeadSpan(stmt: ParallelStmt): Span {
  return { start: stmt.span.start, end: stmt.merge.span.end };
}

// check(program): name binding, expansion, shapes, params, MACs, train/predict sections and
// lints for every model of a file. Never throws on user input: mistakes become diagnostics.
import type { Diagnostic, Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { BlockDecl, ModelDecl, PredictDecl, Program, ScalingStmt, Statement, TrainDecl } from "../syntax/ast.ts";
import type { Graph, GraphNode, GraphTotals, TrainConfig } from "../ir/graph.ts";
import { bindArgs } from "./args.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import { evaluate, evaluateArgs, expectNumber, type EvalEnv } from "./evaluate.ts";
import { ModelExpander, type ExpandedModel } from "./expand.ts";
import { addReference, declareSymbol, newFacts, type CheckFacts } from "./facts.ts";
import { lintGraph } from "./lints.ts";
import { inferenceActivationBytes, trainingActivationBytes } from "./memory.ts";
import { compoundScaling, noScaling, type Scaling } from "./scaling.ts";
import { Scope } from "./scope.ts";
import { withoutSuppressed } from "./suppress.ts";
import { resolvePredict, resolveTrain } from "./train-config.ts";
import type { Value } from "./value.ts";

export type ParamValue = number | string | boolean;

export interface CheckOptions {
  /** Apply `params` to this model only (default: to every model). */
  readonly model?: string;
  /** Model parameters set from outside (`--param k=v`). */
  readonly params?: Readonly<Record<string, ParamValue>>;
}

export interface CheckResult {
  /** Sorted by position; one per mistake. */
  readonly diagnostics: Diagnostic[];
  /** One graph per model without errors, by model name. */
  readonly graphs: Map<string, Graph>;
  readonly facts: CheckFacts;
}

/** The EfficientNet constraint α·β²·γ² ≈ 2 holds within this tolerance. */
const COMPOUND_TOLERANCE = 0.1;
const MAX_COUNT = 2 ** 53;

export function check(program: Program, options: CheckOptions = {}): CheckResult {
  return new Checker(program, options).run();
}

class Checker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly facts = newFacts();
  private readonly usedBlocks = new Set<BlockDecl>();
  private readonly labelUses = new Map<object, { used: boolean; span: Span; name: string }>();
  private readonly graphs = new Map<string, Graph>();
  private readonly root = new Scope();

  constructor(
    private readonly program: Program,
    private readonly options: CheckOptions,
  ) {}

  run(): CheckResult {
    const models = this.declareTopLevel();
    if (this.options.model !== undefined && !models.has(this.options.model)) {
      const suggestion = closest(this.options.model, models.keys());
      this.report(
        diagnostic(
          "NET2013",
          { start: 0, end: 0 },
          `no model named '${this.options.model}' in this file${didYouMeanText(suggestion)}`,
        ),
      );
    }
    const sections = this.sectionsByModel(models);
    for (const model of models.values()) this.checkModel(model, sections.get(model) ?? {});
    this.lintUnused();
    const diagnostics = withoutSuppressed(dedupe(this.diagnostics), this.program.comments);
    return { diagnostics, graphs: this.graphs, facts: this.facts };
  }

  private report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  private declareTopLevel(): Map<string, ModelDecl> {
    const models = new Map<string, ModelDecl>();
    for (const item of this.program.items) {
      if (item.kind === "Model") {
        const previous = models.get(item.name.name);
        if (previous) {
          this.report(
            diagnostic("NET2009", item.name.span, `model '${item.name.name}' is declared twice`, {
              related: [{ span: previous.name.span, message: "first declared here" }],
            }),
          );
          continue;
        }
        models.set(item.name.name, item);
        declareSymbol(this.facts, item, "model", item.name.name, item.name.span);
      } else if (item.kind === "Block") {
        const previous = this.root.ownBlock(item.name.name);
        if (previous) {
          this.report(
            diagnostic("NET2009", item.name.span, `block '${item.name.name}' is declared twice`, {
              related: [{ span: previous.decl.name.span, message: "first declared here" }],
            }),
          );
          continue;
        }
        const symbol = declareSymbol(this.facts, item, "block", item.name.name, item.name.span);
        this.root.setBlock(item.name.name, { decl: item, scope: this.root, symbol });
      }
    }
    return models;
  }

  private sectionsByModel(models: Map<string, ModelDecl>): Map<ModelDecl, { train?: TrainDecl; predict?: PredictDecl }> {
    const byModel = new Map<ModelDecl, { train?: TrainDecl; predict?: PredictDecl }>();
    for (const item of this.program.items) {
      if (item.kind !== "Train" && item.kind !== "Predict") continue;
      const model = models.get(item.model.name);
      const what = item.kind === "Train" ? "train" : "predict";
      if (!model) {
        const suggestion = closest(item.model.name, models.keys());
        this.report(
          diagnostic(
            "NET2013",
            item.model.span,
            `${what} section for unknown model '${item.model.name}'${didYouMeanText(suggestion)}`,
            {
              fixes: suggestion
                ? [{ title: `change to '${suggestion}'`, edits: [{ span: item.model.span, newText: suggestion }] }]
                : [],
            },
          ),
        );
        continue;
      }
      const symbol = this.facts.symbols.get(model);
      if (symbol) symbol.references.push(item.model.span);
      const sections = byModel.get(model) ?? {};
      const previous = item.kind === "Train" ? sections.train : sections.predict;
      if (previous) {
        this.report(
          diagnostic("NET4005", item.model.span, `model ${model.name.name} already has a ${what} section`, {
            related: [{ span: previous.model.span, message: "first one here" }],
          }),
        );
        continue;
      }
      byModel.set(model, item.kind === "Train" ? { ...sections, train: item } : { ...sections, predict: item });
    }
    return byModel;
  }

  private checkModel(model: ModelDecl, sections: { train?: TrainDecl; predict?: PredictDecl }): void {
    const errorsBefore = this.errorCount();
    const scope = new Scope(this.root);
    const env = (scaling: Scaling): EvalEnv => ({
      lookup: (name, span) => {
        const binding = scope.value(name);
        if (binding?.symbol) addReference(binding.symbol, span);
        return binding?.value;
      },
      visibleNames: () => scope.valueNames(),
      scaling,
      report: (d) => this.report(d),
    });
    this.bindModelParams(model, scope, env(noScaling));
    const scaling = this.readScaling(model, env(noScaling));
    const expander = new ModelExpander(model, {
      facts: this.facts,
      scaling,
      usedBlocks: this.usedBlocks,
      report: (d) => this.report(d),
    });
    const expanded = expander.expand(scope);
    for (const [ident, used] of expanded.labelUses) {
      const entry = this.labelUses.get(ident);
      this.labelUses.set(ident, { used: used || (entry?.used ?? false), span: ident.span, name: ident.name });
    }
    const outputs = expanded.outputs?.every((o) => o !== null) ? expanded.outputs.map((o) => o!.node) : undefined;
    if (this.errorCount() === errorsBefore && outputs) for (const d of lintGraph(expanded, outputs)) this.report(d);
    const train = sections.train && resolveTrain(sections.train, env(scaling));
    const predict = sections.predict && resolvePredict(sections.predict, env(scaling));
    if (train && sections.train && outputs) this.lintLoss(train, sections.train, expanded, outputs);
    if (train && sections.train) this.checkAugment(train, sections.train, expanded);
    if (this.errorCount() !== errorsBefore || !outputs) return;
    const totals = this.totals(model, expanded, outputs);
    if (!totals) return;
    this.graphs.set(model.name.name, {
      model: model.name.name,
      nodes: expanded.nodes,
      inputs: expanded.inputs,
      outputs,
      totals,
      ...(train ? { train } : {}),
      ...(predict ? { predict } : {}),
      params: Object.fromEntries(model.params.map((p) => [p.name.name, plainValue(scope.ownValue(p.name.name)?.value)])),
    });
  }

  private errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }

  /** Defaults are evaluated in order (a default may use the parameters before it); --param wins. */
  private bindModelParams(model: ModelDecl, scope: Scope, env: EvalEnv): void {
    const overrides =
      this.options.model === undefined || this.options.model === model.name.name ? (this.options.params ?? {}) : {};
    const names = model.params.map((p) => p.name.name);
    for (const name of Object.keys(overrides)) {
      if (names.includes(name)) continue;
      const suggestion = closest(name, names);
      const has = names.length ? `its parameters are ${names.join(", ")}` : "it has no parameters";
      this.report(
        diagnostic(
          "NET2014",
          model.name.span,
          `--param ${name}: model ${model.name.name} has no parameter '${name}' (${has})${didYouMeanText(suggestion)}`,
        ),
      );
    }
    for (const p of model.params) {
      const name = p.name.name;
      const symbol = declareSymbol(this.facts, p, "param", name, p.name.span);
      if (scope.ownValue(name)) {
        this.report(diagnostic("NET2009", p.name.span, `parameter '${name}' is declared twice`));
        continue;
      }
      let value: Value;
      if (Object.hasOwn(overrides, name)) value = fromOutside(overrides[name]!);
      else if (p.default) value = evaluate(p.default, env);
      else {
        this.report(
          diagnostic(
            "NET2005",
            p.name.span,
            `model ${model.name.name} needs a value for '${name}': set it with --param ${name}=...`,
          ),
        );
        value = { kind: "unknown" };
      }
      scope.setValue(name, { value, symbol });
    }
  }

  private readScaling(model: ModelDecl, env: EvalEnv): Scaling {
    const statements = scalingStatements(model.body);
    const [first, ...extra] = statements.filter((s) => s.top);
    for (const s of [...extra, ...statements.filter((s) => !s.top)]) {
      this.report(
        diagnostic(
          "NET2017",
          s.stmt.span,
          s.top
            ? "a model takes one scaling statement"
            : "scaling applies to the whole model: write it in the model body, not in a block or branch",
          first ? { related: [{ span: first.stmt.span, message: "the model's scaling is here" }] } : {},
        ),
      );
    }
    if (!first) return noScaling;
    const stmt = first.stmt;
    if (stmt.callee.name !== "compound") {
      this.report(
        diagnostic(
          "NET2008",
          stmt.callee.span,
          `the only scaling is compound(phi, alpha = 1.2, beta = 1.1, gamma = 1.15), got '${stmt.callee.name}'`,
        ),
      );
      return noScaling;
    }
    const args = evaluateArgs(stmt.args, env);
    const bound = bindArgs(
      "compound",
      stmt.callee.span,
      args,
      [{ name: "phi", required: true }, { name: "alpha" }, { name: "beta" }, { name: "gamma" }],
      (d) => this.report(d),
    );
    const read = (name: string, fallback: number) => {
      const v = bound.values.get(name);
      return v ? expectNumber(v, env) : fallback;
    };
    const phi = read("phi", 0);
    const alpha = read("alpha", 1.2);
    const beta = read("beta", 1.1);
    const gamma = read("gamma", 1.15);
    if (!bound.complete || phi === undefined || alpha === undefined || beta === undefined || gamma === undefined)
      return noScaling;
    const product = alpha * beta ** 2 * gamma ** 2;
    if (Math.abs(product - 2) > COMPOUND_TOLERANCE) {
      this.report(
        diagnostic(
          "NET5007",
          stmt.span,
          `alpha·beta²·gamma² = ${Number(product.toFixed(4))}, not within ${COMPOUND_TOLERANCE} of 2; MACs will not grow about 2^phi (EfficientNet uses alpha = 1.2, beta = 1.1, gamma = 1.15)`,
        ),
      );
    }
    return compoundScaling(phi, alpha, beta, gamma);
  }

  private lintLoss(train: TrainConfig, decl: TrainDecl, expanded: ExpandedModel, outputs: readonly number[]): void {
    if (train.loss.kind !== "cross_entropy") return;
    let last = expanded.nodes[outputs[0]!];
    while (last && (last.attrs.op === "flatten" || last.attrs.op === "reshape" || last.attrs.op === "identity"))
      last = expanded.nodes[last.inputs[0]!];
    if (last?.attrs.op !== "sigmoid") return;
    const entry = decl.entries.find((e) => e.key.name === "loss")!;
    this.report(
      diagnostic(
        "NET5006",
        entry.value.span,
        `cross_entropy on the sigmoid output of ${last.name}; use binary_cross_entropy, or drop the sigmoid and let cross_entropy take logits`,
        {
          related: [{ span: last.span, message: `${last.name} is here` }],
        },
      ),
    );
  }

  /** `augment: shift(n)` moves images: the model needs one float image input larger than n. */
  private checkAugment(train: TrainConfig, decl: TrainDecl, expanded: ExpandedModel): void {
    if (train.augment.kind !== "shift") return;
    const problem = shiftProblem(
      train.augment.pixels,
      expanded.inputs.map((id) => expanded.nodes[id]!),
    );
    if (!problem) return;
    const entry = decl.entries.find((e) => e.key.name === "augment")!;
    this.report(diagnostic("NET4003", entry.value.span, problem));
  }

  private totals(model: ModelDecl, expanded: ExpandedModel, outputs: readonly number[]): GraphTotals | undefined {
    const nodes = expanded.nodes;
    const params = nodes.reduce((n, node) => n + node.paramCount, 0);
    const trainable = nodes.reduce((n, node) => n + node.trainableParams, 0);
    const macs = nodes.reduce((n, node) => n + node.macs, 0);
    for (const [what, count] of [
      ["params", params],
      ["MACs", macs],
    ] as const) {
      if (count > MAX_COUNT) {
        this.report(
          diagnostic(
            "NET3008",
            model.name.span,
            `model ${model.name.name} has ${count.toExponential(3)} ${what}, more than 2^53; the count is not exact`,
          ),
        );
        return undefined;
      }
    }
    return {
      params,
      trainable,
      nonTrainable: params - trainable,
      macs,
      paramBytes: 4 * params,
      activationBytesInference: inferenceActivationBytes(nodes, outputs),
      activationBytesTraining: trainingActivationBytes(nodes),
    };
  }

  private lintUnused(): void {
    for (const block of allBlocks(this.program)) {
      // A duplicate declaration (no symbol) was reported already.
      if (this.usedBlocks.has(block) || !this.facts.symbols.has(block)) continue;
      this.report(diagnostic("NET5009", block.name.span, `block '${block.name.name}' is never used`));
    }
    for (const label of this.labelUses.values()) {
      if (!label.used) this.report(diagnostic("NET5008", label.span, `label '${label.name}' is never used`));
    }
  }
}

function scalingStatements(body: readonly Statement[]): { stmt: ScalingStmt; top: boolean }[] {
  const out: { stmt: ScalingStmt; top: boolean }[] = [];
  const visit = (stmts: readonly Statement[], top: boolean) => {
    for (const s of stmts) {
      if (s.kind === "Scaling") out.push({ stmt: s, top });
      else for (const inner of childBodies(s)) visit(inner, false);
    }
  };
  visit(body, true);
  return out;
}

function childBodies(s: Statement): (readonly Statement[])[] {
  switch (s.kind) {
    case "Block":
    case "Repeat":
      return [s.body];
    case "Parallel":
      return s.branches.map((b) => b.body);
    case "If":
      return [s.then, ...(s.else ? [s.else] : [])];
    default:
      return [];
  }
}

function allBlocks(program: Program): BlockDecl[] {
  const out: BlockDecl[] = [];
  const visit = (stmts: readonly Statement[]) => {
    for (const s of stmts) {
      if (s.kind === "Block") out.push(s);
      for (const inner of childBodies(s)) visit(inner);
    }
  };
  for (const item of program.items) {
    if (item.kind === "Block") out.push(item);
    if (item.kind === "Block" || item.kind === "Model") visit(item.body);
  }
  return out;
}

function fromOutside(v: ParamValue): Value {
  if (typeof v === "number") return { kind: "number", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? { kind: "word", name: v } : { kind: "string", value: v };
}

function plainValue(v: Value | undefined): ParamValue {
  if (!v) return "";
  switch (v.kind) {
    case "number":
    case "string":
    case "bool":
      return v.value;
    case "word":
      return v.name;
    case "kernel":
      return `${v.h}x${v.w}`;
    default:
      return "";
  }
}

/** One message per mistake: the same code at the same range is reported once (a block body
 * expanded many times reports its mistake once), sorted by position. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}:${d.span.start}:${d.span.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

/** Why `augment: shift(pixels)` cannot apply to a model with these inputs, if it cannot. */
function shiftProblem(pixels: number, inputs: readonly GraphNode[]): string | undefined {
  const isInt = (n: GraphNode) => n.attrs.op === "input" && n.attrs.dtype === "int";
  const [input] = inputs;
  if (inputs.length !== 1 || !input || input.shape.length !== 3 || isInt(input)) {
    const found = inputs.map((n) => `'${n.name}' is [${n.shape.join(", ")}]${isInt(n) ? " int" : ""}`).join(", ");
    return `augment: shift moves images, so the model needs one float input [H, W, C]; ${found}`;
  }
  const side = Math.min(input.shape[0]!, input.shape[1]!);
  if (pixels >= side)
    return `augment: shift(${pixels}) would move a [${input.shape.join(", ")}] image out of its frame; use fewer pixels than ${side}`;
  return undefined;
}

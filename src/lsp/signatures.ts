// Signatures of everything callable, from where each is defined: ops from the checker's
// registry (defaults from op-docs), blocks from their declarations, built-in functions from
// the evaluator, option words of train/predict sections from config-docs.
import { builtins } from "../check/evaluate.ts";
import { isOpName, ops } from "../check/ops/registry.ts";
import type { BlockDecl } from "../syntax/ast.ts";
import type { Analysis } from "./analysis.ts";
import type { OpenCall, Region } from "./cursor-context.ts";
import type { VisibleNames } from "./symbol-index.ts";
import { keysOf } from "./config-docs.ts";
import { opDocs } from "./op-docs.ts";

export interface SignatureParam {
  readonly name: string;
  /** Default as source text; absent for required (and rest) parameters. */
  readonly default?: string;
  readonly rest?: boolean;
}

export interface Signature {
  readonly name: string;
  readonly kind: "op" | "block" | "function" | "option";
  readonly params: readonly SignatureParam[];
  readonly summary: string;
}

export function opSignature(name: string): Signature | undefined {
  if (!isOpName(name)) return undefined;
  const doc = opDocs[name];
  return {
    name,
    kind: "op",
    params: ops[name].signature.map((p) => ({
      name: p.name,
      ...(p.rest ? { rest: true } : {}),
      ...(doc.defaults?.[p.name] !== undefined ? { default: doc.defaults[p.name] } : {}),
    })),
    summary: doc.summary,
  };
}

export function blockSignature(block: BlockDecl, text: string): Signature {
  return {
    name: block.name.name,
    kind: "block",
    params: block.params.map((p) => ({
      name: p.name.name,
      ...(p.default ? { default: text.slice(p.default.span.start, p.default.span.end) } : {}),
    })),
    summary: `block ${block.name.name}`,
  };
}

/** Defaults of the built-ins' optional arguments (LANGUAGE.md section 3). */
const builtinDefaults: Readonly<Record<string, Readonly<Record<string, string>>>> = { make_divisible: { d: "8" } };

export function functionSignature(name: string): Signature | undefined {
  const builtin = Object.hasOwn(builtins, name) ? builtins[name] : undefined;
  if (!builtin) return undefined;
  return {
    name,
    kind: "function",
    params: builtin.sig.map((p) => ({
      name: p.name,
      ...(p.rest ? { rest: true } : {}),
      ...(builtinDefaults[name]?.[p.name] !== undefined ? { default: builtinDefaults[name][p.name] } : {}),
    })),
    summary: `built-in function ${name}`,
  };
}

export const scalingSignature: Signature = {
  name: "compound",
  kind: "function",
  params: [
    { name: "phi" },
    { name: "alpha", default: "1.2" },
    { name: "beta", default: "1.1" },
    { name: "gamma", default: "1.15" },
  ],
  summary: "Compound scaling: depth α^φ, width β^φ, resolution γ^φ (EfficientNet).",
};

export function optionSignature(
  section: "train" | "predict",
  key: string | undefined,
  name: string,
): Signature | undefined {
  for (const k of keysOf(section)) {
    if (key !== undefined && k.key !== key) continue;
    const option = k.options?.find((o) => o.name === name && o.args);
    if (option) {
      return {
        name,
        kind: "option",
        params: option.args!.map((a) => ({ name: a.name, ...(a.default !== undefined ? { default: a.default } : {}) })),
        summary: option.summary,
      };
    }
  }
  return undefined;
}

export function signatureLabel(sig: Signature): string {
  const params = sig.params.map(paramLabel);
  return `${sig.name}(${params.join(", ")})`;
}

export function paramLabel(p: SignatureParam): string {
  return p.rest ? `${p.name}...` : p.default !== undefined ? `${p.name} = ${p.default}` : p.name;
}

/** The signature of the call the cursor is in: a visible block first (blocks shadow nothing
 * but are looked up first, as the checker does), then an op, a built-in or an option word. */
export function calleeSignature(
  a: Analysis,
  call: OpenCall,
  visible: VisibleNames,
  region: Region,
): Signature | undefined {
  if (region.kind === "config") return optionSignature(region.section, region.key, call.callee);
  const block = visible.blocks.find((b) => b.name === call.callee);
  const decl = block && a.symbols.blockDecl(block);
  if (decl) return blockSignature(decl, a.text);
  if (call.callee === "compound") return scalingSignature;
  return opSignature(call.callee) ?? functionSignature(call.callee);
}

/** Parameters that take positional arguments: those before a rest parameter (`concat(.., axis)`:
 * axis is named only). */
export function positionalParams(sig: Signature): readonly SignatureParam[] {
  const rest = sig.params.findIndex((p) => p.rest);
  return rest < 0 ? sig.params : sig.params.slice(0, rest);
}

/** Parameters that may be given by name (not the rest parameter). */
export function namedParams(sig: Signature): readonly SignatureParam[] {
  return sig.params.filter((p) => !p.rest);
}

// Signature help inside the parentheses of an op, block, built-in or option call.
import type { SignatureHelp } from "vscode-languageserver";
import type { Analysis } from "./analysis.ts";
import { cursorContext } from "./cursor-context.ts";
import { calleeSignature, paramLabel, positionalParams, signatureLabel } from "./signatures.ts";

export function signatureHelp(a: Analysis, offset: number): SignatureHelp | null {
  const ctx = cursorContext(a.text, offset);
  const call = ctx?.call;
  if (!ctx || !call) return null;
  const sig = calleeSignature(a, call, a.symbols.visibleAt(offset), ctx.region);
  if (!sig) return null;
  const byName = call.currentName ?? (call.named.length === 0 ? undefined : null);
  const positional = positionalParams(sig);
  let active: number;
  if (byName) active = sig.params.findIndex((p) => p.name === byName);
  else if (byName === undefined && call.positional < positional.length)
    active = sig.params.indexOf(positional[call.positional]!);
  else active = sig.params.findIndex((p) => p.rest);
  // Parameters as [start, end) of the label: a name like `k` would match inside `kernel`.
  let at = sig.name.length + 1;
  const parameters = sig.params.map((p) => {
    const label = paramLabel(p);
    const range: [number, number] = [at, at + label.length];
    at += label.length + 2;
    return { label: range };
  });
  return {
    signatures: [{ label: signatureLabel(sig), documentation: sig.summary, parameters }],
    activeSignature: 0,
    activeParameter: Math.max(active, 0),
  };
}

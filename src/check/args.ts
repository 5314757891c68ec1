// Binding call arguments to a signature: positional in order, then named; reports missing,
// surplus, unknown and duplicate arguments.
import type { Span } from "../diagnostics/diagnostic.ts";
import { diagnostic } from "../diagnostics/catalogue.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { closest, didYouMeanText } from "./did-you-mean.ts";
import type { SpannedArg } from "./value.ts";

export interface ParamSig {
  readonly name: string;
  readonly required?: boolean;
  /** Takes every remaining positional argument (`add(a, b, ...)`). */
  readonly rest?: boolean;
}

export interface BoundArgs {
  readonly values: ReadonlyMap<string, SpannedArg>;
  readonly rest: readonly SpannedArg[];
  /** False when a required argument is missing (already reported). */
  readonly complete: boolean;
}

export function signatureText(callee: string, sig: readonly ParamSig[]): string {
  const parts = sig.map((p) => (p.rest ? `${p.name}...` : p.required ? p.name : `${p.name} = ...`));
  return `${callee}(${parts.join(", ")})`;
}

export function bindArgs(
  callee: string,
  calleeSpan: Span,
  args: readonly SpannedArg[],
  sig: readonly ParamSig[],
  report: (d: Diagnostic) => void,
): BoundArgs {
  const values = new Map<string, SpannedArg>();
  const rest: SpannedArg[] = [];
  const restIndex = sig.findIndex((p) => p.rest);
  const restParam = sig[restIndex];
  // Parameters after a rest parameter can only be named (`concat(a, b, axis = 1)`).
  const positional = restIndex < 0 ? sig : sig.slice(0, restIndex);
  const named = sig.filter((p) => !p.rest);
  let next = 0;
  for (const arg of args) {
    if (arg.name === undefined) {
      if (next < positional.length) {
        values.set(positional[next++]!.name, arg);
      } else if (restParam) {
        rest.push(arg);
      } else {
        report(
          diagnostic(
            "NET2006",
            arg.argSpan,
            `too many arguments: ${callee} takes at most ${positional.length} positional argument${positional.length === 1 ? "" : "s"} (${signatureText(callee, sig)})`,
          ),
        );
      }
      continue;
    }
    const param = named.find((p) => p.name === arg.name);
    const nameSpan = arg.nameSpan ?? arg.argSpan;
    if (!param) {
      const suggestion = closest(
        arg.name,
        positional.map((p) => p.name),
      );
      report(
        diagnostic("NET2004", nameSpan, `${callee} has no argument named '${arg.name}'${didYouMeanText(suggestion)}`, {
          fixes: suggestion
            ? [
                {
                  title: `change to '${suggestion}'`,
                  edits: [{ span: nameSpan, newText: suggestion }],
                },
              ]
            : [],
        }),
      );
      continue;
    }
    const previous = values.get(param.name);
    if (previous) {
      report(
        diagnostic("NET2007", arg.argSpan, `argument '${param.name}' of ${callee} is given twice`, {
          related: [{ span: previous.argSpan, message: "first given here" }],
        }),
      );
      continue;
    }
    values.set(param.name, arg);
  }
  let complete = true;
  for (const p of named) {
    if (p.required && !values.has(p.name)) {
      complete = false;
      report(
        diagnostic(
          "NET2005",
          calleeSpan,
          `${callee} is missing its required argument '${p.name}' (${signatureText(callee, sig)})`,
        ),
      );
    }
  }
  return { values, rest, complete };
}

// The one error the ONNX exporter throws: it names the netc node (and its source span when the
// program is a checked Graph) so the CLI can print `file:line:col`.
import type { Span } from "../../diagnostics/diagnostic.ts";

export class OnnxExportError extends Error {
  override readonly name = "OnnxExportError";

  constructor(
    message: string,
    /** The netc layer (`conv_0`) and its op (`conv`). */
    readonly nodeName: string,
    readonly op: string,
    /** Present when the exported program is a checked Graph. */
    readonly span?: Span,
  ) {
    super(`cannot export ${nodeName} (${op}): ${message}`);
  }
}

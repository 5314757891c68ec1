// The one error the PyTorch exporter throws: it names the netc node (and its source span when the
// program is a checked Graph) so the CLI can print `file:line:col`.
import type { Span } from "../../diagnostics/diagnostic.ts";

export class PytorchExportError extends Error {
  override readonly name = "PytorchExportError";

  constructor(
    message: string,
    /** The netc layer (`conv_0`) and its op (`conv`). */
    readonly nodeName: string,
    readonly op: string,
    readonly span?: Span,
  ) {
    super(`cannot export ${nodeName} (${op}) to PyTorch: ${message}`);
  }
}

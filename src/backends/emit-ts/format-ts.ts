// Lays an emitted module out with Prettier. Prettier is an optional peer dependency of the
// package: without it the module is the same valid TypeScript as assembled, only less tidy.
export async function formatTypeScript(code: string): Promise<string> {
  let prettier: typeof import("prettier");
  try {
    prettier = await import("prettier");
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return code;
    throw error;
  }
  return prettier.format(code, { parser: "typescript" });
}

// Inlines the runtime's own TypeScript modules, verbatim, into one import-free module: each file's
// code runs inside its own function scope (so private helpers of different files cannot clash)
// and returns its exports; exported types are hoisted to the top level (types cannot leave a
// function). Imports are dropped: every exported name is declared at the top level, so an import
// of it resolves there. Relies on the repo's Prettier layout: top-level statements at column 0.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

interface ModuleParts {
  readonly types: string[];
  readonly code: string[];
  readonly exports: string[];
  readonly classes: string[];
  readonly dependencies: string[];
}

const STATEMENT_START =
  /^(export |import |const |let |var |function |async function |interface |type |class |declare )/;
const IMPORT_FROM = /from "(\.[^"]+)";/;

/** Top-level statements, each with the comment lines that precede it. */
function statements(text: string): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let comments: string[] = [];
  for (const line of text.split("\n")) {
    if (/^(\/\/|\/\*\*|\s\*)/.test(line) && !/^\s*$/.test(line)) {
      comments.push(line);
      continue;
    }
    if (STATEMENT_START.test(line)) {
      if (current.length > 0) result.push(current.join("\n"));
      current = [...comments, line];
    } else {
      current.push(...comments, line);
    }
    comments = [];
  }
  current.push(...comments);
  if (current.length > 0) result.push(current.join("\n"));
  return result;
}

function firstCodeLine(statement: string): string {
  return (
    statement.split("\n").find((line) => !/^(\/\/|\/\*\*|\s\*)/.test(line)) ??
    ""
  );
}

function splitModule(path: string): ModuleParts {
  const parts: ModuleParts = {
    types: [],
    code: [],
    exports: [],
    classes: [],
    dependencies: [],
  };
  for (const statement of statements(readFileSync(path, "utf8"))) {
    const head = firstCodeLine(statement);
    if (head.startsWith("import ")) {
      const from = IMPORT_FROM.exec(statement);
      if (!from)
        throw new Error(
          `${path}: only relative imports can be inlined: ${head}`,
        );
      parts.dependencies.push(resolve(dirname(path), from[1]));
      continue;
    }
    const exported = /^export (?:const|let|function|class) (\w+)/.exec(head);
    if (/^export (interface|type) /.test(head)) {
      parts.types.push(statement.replace(/^export /m, ""));
    } else if (exported) {
      parts.exports.push(exported[1]);
      if (head.startsWith("export class ")) parts.classes.push(exported[1]);
      parts.code.push(statement.replace(/^export /m, ""));
    } else {
      parts.code.push(statement);
    }
  }
  return parts;
}

/**
 * The modules at `paths` and everything they import, in dependency order, as one import-free
 * TypeScript text.
 */
export function inlineModules(paths: readonly string[]): string {
  const ordered: { path: string; parts: ModuleParts }[] = [];
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const parts = splitModule(path);
    for (const dependency of parts.dependencies) visit(dependency);
    ordered.push({ path, parts });
  };
  for (const path of paths) visit(resolve(path));

  const types = ordered.flatMap(({ parts }) => parts.types);
  const code = ordered
    .filter(({ parts }) => parts.exports.length > 0)
    .map(({ parts }) => {
      const names = parts.exports.join(", ");
      const classTypes = parts.classes.map(
        (name) => `type ${name} = InstanceType<typeof ${name}>;`,
      );
      return [
        `const { ${names} } = (() => {`,
        ...parts.code,
        `return { ${names} };`,
        `})();`,
        ...classTypes,
      ].join("\n");
    });
  return [...types, ...code].join("\n\n");
}

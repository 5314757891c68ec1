// The parse the standalone linker (link-modules.ts) works from: one module's top-level
// statements, what each declares, and where each refers to a module-level name (one declared
// in the file or imported), found by the TypeScript compiler's own parser and name resolution —
// so a word in a string, a template literal, a comment or an object key is no reference, and a
// local that shadows a module-level name is not one either. Needs the `typescript` package (a
// dev dependency): from the sources it parses on demand; the build (scripts/build.ts) runs it
// over every module `netc compile` may inline and embeds the results, so the installed package
// links without it.
import ts from "typescript";

/** An `import { name as local } from "from"` (type-only or not). */
export interface ParsedImport {
  readonly local: string;
  readonly name: string;
  /** The specifier as written. */
  readonly from: string;
}

export interface ParsedStatement {
  /** The text to copy is [start, end): the statement with the comment lines directly above it
   * (no blank line between) and whatever follows it up to the next statement's comments. */
  readonly start: number;
  readonly end: number;
  /** "other": declares nothing (e.g. the file's header comment, when a blank line separates it
   * from the first statement); such statements travel with their file. */
  readonly kind: "type" | "value" | "class" | "other";
  readonly names: readonly string[];
  readonly exported: boolean;
  /** [start, end) of the `export` keyword and the blanks after it, dropped when inlined. */
  readonly exportKeyword?: readonly [number, number];
  /** Module-level name → offsets (in the file) of the identifiers that refer to it, the
   * declaration's own names included. */
  readonly refs: Readonly<Record<string, readonly number[]>>;
  /** Offsets among `refs` that are shorthand properties (`{ name }`): a rename keeps the key. */
  readonly shorthands?: readonly number[];
  /** Why the statement cannot be inlined, should it be reached (e.g. a dynamic import). */
  readonly unlinkable?: string;
}

export interface ParsedSource {
  readonly imports: readonly ParsedImport[];
  /** `export { name as exported } from "from"`. */
  readonly reexports: readonly ParsedImport[];
  readonly statements: readonly ParsedStatement[];
}

/** A one-line error naming the file and the line. */
function fail(file: ts.SourceFile, node: ts.Node, message: string): never {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  throw new Error(`${file.fileName}:${line + 1}: cannot inline ${message}`);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): ts.Modifier | undefined {
  return ts.canHaveModifiers(node) ? ts.getModifiers(node)?.find((m) => m.kind === kind) : undefined;
}

function bindingNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** The identifiers a top-level statement declares, and its kind. */
function declared(
  file: ts.SourceFile,
  statement: ts.Statement,
): { kind: ParsedStatement["kind"]; ids: ts.Identifier[] } {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))
    return { kind: "type", ids: [statement.name] };
  if (ts.isClassDeclaration(statement)) {
    if (!statement.name) fail(file, statement, "an anonymous class");
    return { kind: "class", ids: [statement.name] };
  }
  if (ts.isFunctionDeclaration(statement)) {
    if (!statement.name) fail(file, statement, "an anonymous function");
    return { kind: "value", ids: [statement.name] };
  }
  if (ts.isVariableStatement(statement))
    return { kind: "value", ids: statement.declarationList.declarations.flatMap((d) => bindingNames(d.name)) };
  if (ts.isExpressionStatement(statement) || ts.isEmptyStatement(statement)) return { kind: "other", ids: [] };
  return fail(
    file,
    statement,
    `a ${ts.SyntaxKind[statement.kind]} (enums, namespaces and default exports are not supported)`,
  );
}

/**
 * Statement boundaries: each statement starts at the comment lines directly above its first
 * token (no blank line between them); the text before the first one is the file's header.
 */
function chunkStarts(file: ts.SourceFile, statements: readonly ts.Statement[]): number[] {
  const text = file.text;
  return statements.map((statement) => {
    let start = statement.getStart(file);
    const comments = ts.getLeadingCommentRanges(text, statement.pos) ?? [];
    for (let k = comments.length - 1; k >= 0; k--) {
      const between = text.slice(comments[k].end, start);
      // Only blanks and at most one line break: the comment sits directly above (or beside).
      if (/\S/.test(between) || (between.match(/\n/g)?.length ?? 0) > 1) break;
      const lineStart = text.lastIndexOf("\n", comments[k].pos - 1) + 1;
      if (/\S/.test(text.slice(lineStart, comments[k].pos))) break;
      start = lineStart;
    }
    return start === statement.getStart(file) ? text.lastIndexOf("\n", start - 1) + 1 : start;
  });
}

/** A program of this one file, for the checker's name resolution (imports stay unresolved). */
function checkerFor(file: ts.SourceFile): ts.TypeChecker {
  const options: ts.CompilerOptions = {
    noLib: true,
    noResolve: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  };
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === file.fileName ? file : undefined),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (name) => name === file.fileName,
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [file.fileName], options, host }).getTypeChecker();
}

/** The parse of one module; `name` is only used in error messages. */
export function parseSource(name: string, text: string): ParsedSource {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const checker = checkerFor(file);
  const imports: ParsedImport[] = [];
  const reexports: ParsedImport[] = [];
  const code: { node: ts.Statement; kind: ParsedStatement["kind"]; ids: ts.Identifier[] }[] = [];
  /** Module-level symbols → their name in this file. */
  const moduleLevel = new Map<ts.Symbol, string>();
  const note = (id: ts.Identifier) => {
    const symbol = checker.getSymbolAtLocation(id);
    if (symbol) moduleLevel.set(symbol, id.text);
  };
  const boundaries: ts.Statement[] = [];
  for (const statement of file.statements) {
    boundaries.push(statement);
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const from = (statement.moduleSpecifier as ts.StringLiteral).text;
      const bindings = clause?.namedBindings;
      if (clause?.name || (bindings && !ts.isNamedImports(bindings)))
        fail(file, statement, "a default or namespace import (use named imports)");
      for (const element of bindings?.elements ?? []) {
        imports.push({ local: element.name.text, name: (element.propertyName ?? element.name).text, from });
        note(element.name);
      }
      continue;
    }
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!statement.moduleSpecifier || !clause || !ts.isNamedExports(clause))
        fail(file, statement, "an export list (export the declarations themselves)");
      const from = (statement.moduleSpecifier as ts.StringLiteral).text;
      for (const element of clause.elements)
        reexports.push({ local: element.name.text, name: (element.propertyName ?? element.name).text, from });
      continue;
    }
    const { kind, ids } = declared(file, statement);
    if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) fail(file, statement, "a default export");
    // Code runs inside a function scope, where ambient declarations are not allowed.
    if (hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) fail(file, statement, "an ambient (declare) statement");
    ids.forEach(note);
    code.push({ node: statement, kind, ids });
  }

  const starts = chunkStarts(file, boundaries);
  /** Up to the next statement's start, less the line break before it (or to the end). */
  const endOf = (statement: ts.Statement) => {
    const k = boundaries.indexOf(statement);
    return k + 1 < starts.length ? starts[k + 1] - 1 : text.length;
  };
  const names = new Set(moduleLevel.values());
  const statements: ParsedStatement[] = [];
  if (starts.length > 0 && /\S/.test(text.slice(0, starts[0])))
    statements.push({ start: 0, end: starts[0] - 1, kind: "other", names: [], exported: false, refs: {} });
  for (const { node, kind, ids } of code) {
    const refs: Record<string, number[]> = {};
    const shorthands: number[] = [];
    let unlinkable: string | undefined;
    const visit = (child: ts.Node): void => {
      if (ts.isIdentifier(child) && names.has(child.text)) {
        const shorthand = ts.isShorthandPropertyAssignment(child.parent) && child.parent.name === child;
        const symbol = shorthand
          ? checker.getShorthandAssignmentValueSymbol(child.parent)
          : checker.getSymbolAtLocation(child);
        const name = symbol && moduleLevel.get(symbol);
        if (name !== undefined) {
          (refs[name] ??= []).push(child.getStart(file));
          if (shorthand) shorthands.push(child.getStart(file));
        }
      }
      if (ts.isCallExpression(child) && child.expression.kind === ts.SyntaxKind.ImportKeyword)
        unlinkable ??= "a dynamic import()";
      if (ts.isMetaProperty(child) && child.keywordToken === ts.SyntaxKind.ImportKeyword) unlinkable ??= "import.meta";
      ts.forEachChild(child, visit);
    };
    visit(node);
    const exportModifier = hasModifier(node, ts.SyntaxKind.ExportKeyword);
    let exportEnd = exportModifier?.end ?? 0;
    while (exportModifier && /[ \t]/.test(text[exportEnd])) exportEnd++;
    statements.push({
      start: starts[boundaries.indexOf(node)],
      end: endOf(node),
      kind,
      names: ids.map((id) => id.text),
      exported: exportModifier !== undefined,
      ...(exportModifier ? { exportKeyword: [exportModifier.getStart(file), exportEnd] as const } : {}),
      refs,
      ...(shorthands.length > 0 ? { shorthands } : {}),
      ...(unlinkable ? { unlinkable } : {}),
    });
  }
  return { imports, reexports, statements };
}

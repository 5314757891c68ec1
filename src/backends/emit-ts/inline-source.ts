// Inlines the runtime's own TypeScript modules, verbatim, into one import-free module, keeping
// only the top-level declarations reachable from the names asked for (so a pool kernel does not
// drag in the other pool kernels, and a file's unused exports — e.g. an async factory with a
// dynamic import — are left out). Each file's code runs inside its own function scope (so
// private helpers of different files cannot clash) and returns the values other code uses;
// exported types are hoisted to the top level (types cannot leave a function). When two files
// export the same top-level name, the later one is renamed (name_2): types by rewriting the
// word, values by binding them under the new name and aliasing it in the importing scopes.
// Relies on the repo's Prettier layout: top-level statements start at column 0.
import { readSource } from "./runtime-source.ts";

/** Names to bind at the top level, from the file at `path` (all its exports when omitted).
 * Paths are URLs from runtime-source.ts's sourceUrl. */
export interface InlineRoot {
  readonly path: string;
  readonly names?: readonly string[];
}

export interface InlineOptions {
  /** Replacement texts for files, by absolute path (relative imports resolve as for the file). */
  readonly replace?: ReadonlyMap<string, string>;
  /** Imports of a file (absolute path) go to another file instead — except the other file's
   * own imports of it, so a stand-in can borrow the original's types. */
  readonly redirect?: ReadonlyMap<string, string>;
  /** Top-level names the caller declares itself: inlined declarations never take them. */
  readonly reserved?: readonly string[];
}

interface Statement {
  readonly text: string;
  /** Declared names ("" for a statement that declares nothing). */
  readonly names: readonly string[];
  readonly exported: boolean;
  readonly kind: "type" | "value" | "class" | "import" | "other";
  readonly words: ReadonlySet<string>;
}

interface SourceFile {
  readonly path: string;
  readonly statements: readonly Statement[];
  /** Local name → where it comes from. */
  readonly imports: ReadonlyMap<
    string,
    { readonly path: string; readonly name: string }
  >;
  /** `export type { X } from "./y.ts"`: exported name → where it comes from. */
  readonly reexports: ReadonlyMap<
    string,
    { readonly path: string; readonly name: string }
  >;
}

const STATEMENT_START =
  /^(export |import |const |let |var |function |async function |interface |type |class |declare )/;
const EXTERNAL = "external:";
const COMMENT_LINE = /^(\/\/|\/\*\*|\s\*)/;
const DECLARATION =
  /^(export )?(?:declare )?(const|let|var|function|async function|class|interface|type) ([\w$]+)/;

/** Top-level statements, each with the comment lines that precede it. */
function splitStatements(text: string): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let comments: string[] = [];
  for (const line of text.split("\n")) {
    if (COMMENT_LINE.test(line) && !/^\s*$/.test(line)) {
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

/** The code without comments (strings kept), so a name in a comment is no reference. */
function withoutComments(text: string): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === quote) quote = "";
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      out += " ";
    } else {
      if (c === '"' || c === "'" || c === "`") quote = c;
      out += c;
    }
  }
  return out;
}

function firstCodeLine(statement: string): string {
  return statement.split("\n").find((line) => !COMMENT_LINE.test(line)) ?? "";
}

/** `{ a, type B, c as d }` → [exported name, local name] pairs. */
function importedNames(list: string): [string, string][] {
  return list
    .split(",")
    .map((part) => part.trim().replace(/^type\s+/, ""))
    .filter((part) => part.length > 0)
    .map((part) => {
      const [name, local] = part.split(/\s+as\s+/);
      return [name, local ?? name];
    });
}

function parseFile(
  path: string,
  text: string,
  redirect: ReadonlyMap<string, string>,
): SourceFile {
  const statements: Statement[] = [];
  const imports = new Map<string, { path: string; name: string }>();
  const reexports = new Map<string, { path: string; name: string }>();
  const from = (spec: string) => {
    // A package import is fine as long as nothing that is inlined uses it.
    if (!spec.startsWith(".")) return `${EXTERNAL}${spec}`;
    const target = new URL(spec, path).href;
    const instead = redirect.get(target);
    return instead !== undefined && instead !== path ? instead : target;
  };
  for (const raw of splitStatements(text)) {
    const head = firstCodeLine(raw);
    const code = withoutComments(raw);
    const words = new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
    const reexport = /^export (?:type )?\{([^}]*)\}\s*from\s*"([^"]+)"/.exec(
      code.trim(),
    );
    if (reexport) {
      for (const [name, local] of importedNames(reexport[1]))
        reexports.set(local, { path: from(reexport[2]), name });
      continue;
    }
    if (head.startsWith("import ")) {
      const match = /^import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/.exec(
        code.trim(),
      );
      if (!match) throw new Error(`${path}: cannot inline the import ${head}`);
      for (const [name, local] of importedNames(match[1]))
        imports.set(local, { path: from(match[2]), name });
      continue;
    }
    const declaration = DECLARATION.exec(head);
    if (!declaration) {
      statements.push({
        text: raw,
        names: [],
        exported: false,
        kind: "other",
        words,
      });
      continue;
    }
    const [, exported, keyword, name] = declaration;
    const kind =
      keyword === "interface" || keyword === "type"
        ? "type"
        : keyword === "class"
          ? "class"
          : "value";
    if (/^(const|let|var)$/.test(keyword) && /^[{[]/.test(name))
      throw new Error(
        `${path}: cannot inline a destructuring declaration: ${head}`,
      );
    statements.push({
      text: raw,
      names: [name],
      exported: exported !== undefined,
      kind,
      words,
    });
  }
  return { path, statements, imports, reexports };
}

/**
 * The modules' declarations reachable from `roots`, with everything they use, as one
 * import-free TypeScript text in which every root name is bound at the top level.
 */
export function inlineModules(
  roots: readonly InlineRoot[],
  options: InlineOptions = {},
): string {
  const files = new Map<string, SourceFile>();
  const fileAt = (path: string): SourceFile => {
    let file = files.get(path);
    if (!file) {
      file = parseFile(
        path,
        options.replace?.get(path) ?? readSource(path),
        options.redirect ?? new Map(),
      );
      files.set(path, file);
    }
    return file;
  };

  /** The statements of `path` that declare export `name`, following re-exports. */
  const resolveExport = (
    path: string,
    name: string,
  ): { file: SourceFile; indices: number[] } => {
    if (path.startsWith(EXTERNAL))
      throw new Error(
        `cannot inline "${name}" from the package "${path.slice(EXTERNAL.length)}": the module must import nothing`,
      );
    const file = fileAt(path);
    const via = file.reexports.get(name);
    if (via) return resolveExport(via.path, via.name);
    const indices = file.statements.flatMap((s, i) =>
      s.exported && s.names.includes(name) ? [i] : [],
    );
    if (indices.length === 0) throw new Error(`${path} exports no "${name}"`);
    return { file, indices };
  };

  // Reachability over statements, and which file's values each file's code uses.
  const included = new Map<string, Set<number>>();
  const valueDeps = new Map<string, Set<string>>();
  /** Per file: local name → [file, exported name] of what it imports and uses. */
  const usedImports = new Map<string, Map<string, [SourceFile, string]>>();
  const queue: [SourceFile, number][] = [];
  const include = (file: SourceFile, index: number) => {
    let set = included.get(file.path);
    if (!set) {
      included.set(file.path, (set = new Set()));
      // Statements that declare nothing (none today) travel with their file.
      file.statements.forEach((s, i) => {
        if (s.kind === "other") include(file, i);
      });
    }
    if (set.has(index)) return;
    set.add(index);
    queue.push([file, index]);
  };
  const rootBindings: [SourceFile, string][] = [];
  for (const root of roots) {
    const file = fileAt(root.path);
    const names =
      root.names ??
      file.statements.filter((s) => s.exported).flatMap((s) => s.names);
    for (const name of names) {
      const found = resolveExport(file.path, name);
      found.indices.forEach((i) => include(found.file, i));
      rootBindings.push([found.file, name]);
    }
  }
  while (queue.length > 0) {
    const [file, index] = queue.pop()!;
    const statement = file.statements[index];
    for (const word of statement.words) {
      if (statement.names.includes(word)) continue;
      file.statements.forEach((s, i) => {
        if (s.names.includes(word)) include(file, i);
      });
      const imported = file.imports.get(word);
      if (!imported) continue;
      const found = resolveExport(imported.path, imported.name);
      found.indices.forEach((i) => include(found.file, i));
      let uses = usedImports.get(file.path);
      if (!uses) usedImports.set(file.path, (uses = new Map()));
      const exportName = found.file.statements[found.indices[0]].names[0];
      uses.set(word, [found.file, exportName]);
      if (
        found.indices.some((i) => found.file.statements[i].kind !== "type") &&
        statement.kind !== "type"
      ) {
        let deps = valueDeps.get(file.path);
        if (!deps) valueDeps.set(file.path, (deps = new Set()));
        if (found.file.path !== file.path) deps.add(found.file.path);
      }
    }
  }

  // Files in dependency order of their values (types are hoisted, so they impose none).
  const ordered: SourceFile[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (path: string) => {
    if (state.get(path) === "done") return;
    if (state.get(path) === "visiting")
      throw new Error(`cannot inline: ${path} is in an import cycle of values`);
    state.set(path, "visiting");
    for (const dep of [...(valueDeps.get(path) ?? [])].sort()) visit(dep);
    state.set(path, "done");
    ordered.push(fileAt(path));
  };
  for (const path of [...included.keys()].sort()) visit(path);

  // Top-level names: roots first (they must keep theirs), then each file's hoisted types and
  // the values it shares, in order; a taken name gets a suffix.
  const taken = new Set(options.reserved ?? []);
  const globalName = new Map<string, string>(); // `${path}#${name}` → top-level name
  const claim = (file: SourceFile, name: string) => {
    const key = `${file.path}#${name}`;
    if (globalName.has(key)) return;
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
    taken.add(candidate);
    globalName.set(key, candidate);
  };
  for (const [file, name] of rootBindings) {
    if (taken.has(name))
      throw new Error(`cannot inline: the root name "${name}" is taken`);
    claim(file, name);
  }
  const statementsOf = (file: SourceFile) =>
    [...(included.get(file.path) ?? [])]
      .sort((a, b) => a - b)
      .map((i) => file.statements[i]);
  /** Values of a file that code outside its scope uses: what others import, and what its own
   * hoisted types refer to (`typeof x`). */
  const shared = new Map<string, Set<string>>();
  const share = (file: SourceFile, name: string) => {
    let set = shared.get(file.path);
    if (!set) shared.set(file.path, (set = new Set()));
    set.add(name);
  };
  for (const [file, name] of rootBindings) share(file, name);
  for (const uses of usedImports.values())
    for (const [file, name] of uses.values()) share(file, name);
  for (const file of ordered) {
    const own = statementsOf(file);
    const values = new Set(
      own.filter((s) => s.kind !== "type").flatMap((s) => s.names),
    );
    for (const s of own) {
      if (s.kind !== "type" || !s.exported) continue;
      for (const word of s.words) if (values.has(word)) share(file, word);
    }
  }
  for (const file of ordered) {
    for (const s of statementsOf(file)) {
      for (const name of s.names) {
        if (
          (s.kind === "type" && s.exported) ||
          shared.get(file.path)?.has(name)
        )
          claim(file, name);
      }
    }
  }

  const rename = (text: string, renames: ReadonlyMap<string, string>) => {
    if (renames.size === 0) return text;
    const pattern = new RegExp(
      `(?<![.\\w$])(${[...renames.keys()].join("|")})(?![\\w$])`,
      "g",
    );
    return text.replace(pattern, (word) => renames.get(word)!);
  };

  const types: string[] = [];
  const scopes: string[] = [];
  for (const file of ordered) {
    const own = statementsOf(file);
    // Words to rewrite in this file: its hoisted types and every imported type or class
    // whose top-level name differs from the local one. Imported plain values get an alias.
    const renames = new Map<string, string>();
    const aliases: string[] = [];
    for (const s of own) {
      if (s.kind === "type" && s.exported) {
        const global = globalName.get(`${file.path}#${s.names[0]}`)!;
        if (global !== s.names[0]) renames.set(s.names[0], global);
      }
    }
    for (const [local, [source, name]] of usedImports.get(file.path) ?? []) {
      const global = globalName.get(`${source.path}#${name}`);
      if (global === undefined || global === local) continue;
      const kinds = source.statements
        .filter((s) => s.names.includes(name))
        .map((s) => s.kind);
      if (kinds.every((k) => k === "value"))
        aliases.push(`const ${local} = ${global};`);
      else renames.set(local, global);
    }
    for (const s of own) {
      if (s.kind === "type" && s.exported)
        types.push(rename(s.text.replace(/^export /m, ""), renames));
    }
    const code = own.filter((s) => !(s.kind === "type" && s.exported));
    const exportedValues = [...(shared.get(file.path) ?? [])].filter((name) =>
      code.some((s) => s.names.includes(name)),
    );
    if (exportedValues.length === 0) continue;
    const bindings = exportedValues.map((name) => {
      const global = globalName.get(`${file.path}#${name}`)!;
      return global === name ? name : `${name}: ${global}`;
    });
    const classTypes = code
      .filter((s) => s.kind === "class" && exportedValues.includes(s.names[0]))
      .map((s) => {
        const global = globalName.get(`${file.path}#${s.names[0]}`)!;
        return `type ${global} = InstanceType<typeof ${global}>;`;
      });
    scopes.push(
      [
        `const { ${bindings.join(", ")} } = (() => {`,
        ...aliases,
        ...code.map((s) => rename(s.text.replace(/^export /m, ""), renames)),
        `return { ${exportedValues.join(", ")} };`,
        `})();`,
        ...classTypes,
      ].join("\n"),
    );
  }
  return [...types, ...scopes].join("\n\n");
}

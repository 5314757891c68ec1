// Links the runtime's own TypeScript modules, verbatim, into one import-free module, keeping
// only the top-level declarations reachable from the names asked for (so a pool kernel does not
// drag in the other pool kernels, and a file's unused exports — e.g. an async factory with a
// dynamic import — are left out). It works from a real parse (parse-source.ts): references are
// the identifiers the TypeScript compiler resolves to a module-level name, so strings, template
// literals, comments, object keys and shadowing locals are never mistaken for one.
// Each file's code runs inside its own function scope (so private helpers of different files
// cannot clash) and returns the values other code uses; exported types are hoisted to the top
// level (types cannot leave a function). When two files export the same top-level name, the
// later one is renamed (name_2): types and classes by rewriting the identifiers that refer to
// them, plain values by binding them under the new name and aliasing them in the importing scopes.
import type { ParsedSource, ParsedStatement } from "./parse-source.ts";
import { loadSource } from "./runtime-source.ts";

/** Names to bind at the top level, from the file at `path` (all its exports when omitted).
 * Paths are URLs from runtime-source.ts's sourceUrl. */
export interface InlineRoot {
  readonly path: string;
  readonly names?: readonly string[];
}

/** A module's text and its parse. */
export interface LinkSource {
  readonly text: string;
  readonly parsed: ParsedSource;
}

/** An export of a module, by the module's URL. */
export interface ExportRef {
  readonly path: string;
  readonly name: string;
}

/** What an import binds to instead of the export it names: another module's export, or a
 * top-level constant the caller declares after the linked code (`global`); code may read such
 * a constant only when called, not while the module initialises. */
export type Binding = ExportRef | { readonly global: string };

export interface InlineOptions {
  /** Reads a module (default: the runtime's sources, runtime-source.ts). */
  readonly load?: (path: string) => LinkSource;
  /** Values passed in: imports of an export (keyed `path#name`) bind to these instead. */
  readonly bind?: ReadonlyMap<string, Binding>;
  /** Top-level names the caller declares itself: linked declarations never take them. */
  readonly reserved?: readonly string[];
}

interface Statement extends ParsedStatement {
  /** Module-level names it refers to, other than its own. */
  readonly uses: readonly string[];
}

interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly statements: readonly Statement[];
  /** Local name → where it comes from. */
  readonly imports: ReadonlyMap<string, ExportRef>;
  /** `export { X } from "./y.ts"`: exported name → where it comes from. */
  readonly reexports: ReadonlyMap<string, ExportRef>;
}

const EXTERNAL = "external:";
const keyOf = (ref: ExportRef) => `${ref.path}#${ref.name}`;

function sourceFile(path: string, { text, parsed }: LinkSource): SourceFile {
  // A package import is fine as long as nothing that is linked uses it.
  const from = (spec: string) => (spec.startsWith(".") ? new URL(spec, path).href : `${EXTERNAL}${spec}`);
  const refsTo = (list: ParsedSource["imports"]) =>
    new Map(list.map(({ local, name, from: spec }) => [local, { path: from(spec), name }]));
  return {
    path,
    text,
    statements: parsed.statements.map((s) => ({
      ...s,
      uses: Object.keys(s.refs).filter((name) => !s.names.includes(name)),
    })),
    imports: refsTo(parsed.imports),
    reexports: refsTo(parsed.reexports),
  };
}

/** The statement's text with its `export` keyword dropped and the module-level names in
 * `renames` rewritten where they are referred to. */
function render(file: SourceFile, s: Statement, renames: ReadonlyMap<string, string>): string {
  const edits: [number, number, string][] = [];
  if (s.exportKeyword) edits.push([s.exportKeyword[0], s.exportKeyword[1], ""]);
  for (const [name, global] of renames) {
    for (const at of s.refs[name] ?? []) {
      const shorthand = s.shorthands?.includes(at) ?? false;
      edits.push([at, at + name.length, shorthand ? `${name}: ${global}` : global]);
    }
  }
  edits.sort((a, b) => b[0] - a[0]);
  let text = file.text.slice(s.start, s.end);
  for (const [from, to, replacement] of edits)
    text = text.slice(0, from - s.start) + replacement + text.slice(to - s.start);
  return text;
}

/**
 * The modules' declarations reachable from `roots`, with everything they use, as one
 * import-free TypeScript text in which every root name is bound at the top level.
 */
export function inlineModules(roots: readonly InlineRoot[], options: InlineOptions = {}): string {
  const load = options.load ?? loadSource;
  const bind = options.bind ?? new Map<string, Binding>();
  const files = new Map<string, SourceFile>();
  const fileAt = (path: string): SourceFile => {
    let file = files.get(path);
    if (!file) files.set(path, (file = sourceFile(path, load(path))));
    return file;
  };

  /** The statements of `path` that declare export `name`, following re-exports. */
  const resolveExport = (path: string, name: string): { file: SourceFile; indices: number[] } => {
    if (path.startsWith(EXTERNAL))
      throw new Error(
        `cannot inline "${name}" from the package "${path.slice(EXTERNAL.length)}": the module must import nothing`,
      );
    const file = fileAt(path);
    const via = file.reexports.get(name);
    if (via) return resolveExport(via.path, via.name);
    const indices = file.statements.flatMap((s, i) => (s.exported && s.names.includes(name) ? [i] : []));
    if (indices.length === 0) throw new Error(`${path} exports no "${name}"`);
    return { file, indices };
  };

  // Reachability over statements, and which file's values each file's code uses.
  const included = new Map<string, Set<number>>();
  const valueDeps = new Map<string, Set<string>>();
  /** Per file: local name → [file, exported name] of what it imports and uses. */
  const usedImports = new Map<string, Map<string, [SourceFile, string]>>();
  /** Per file: local name → the caller's top-level name it is bound to. */
  const globalImports = new Map<string, Map<string, string>>();
  const queue: [SourceFile, number][] = [];
  const include = (file: SourceFile, index: number) => {
    let set = included.get(file.path);
    if (!set) {
      included.set(file.path, (set = new Set()));
      // Statements that declare nothing (a header comment) travel with their file.
      file.statements.forEach((s, i) => {
        if (s.kind === "other") include(file, i);
      });
    }
    if (set.has(index)) return;
    const statement = file.statements[index];
    if (statement.unlinkable)
      throw new Error(`cannot inline ${statement.names.join(", ")} from ${file.path}: it uses ${statement.unlinkable}`);
    set.add(index);
    queue.push([file, index]);
  };
  const rootBindings: [SourceFile, string][] = [];
  for (const root of roots) {
    const file = fileAt(root.path);
    const names = root.names ?? file.statements.filter((s) => s.exported).flatMap((s) => s.names);
    for (const name of names) {
      const found = resolveExport(file.path, name);
      found.indices.forEach((i) => include(found.file, i));
      rootBindings.push([found.file, name]);
    }
  }
  while (queue.length > 0) {
    const [file, index] = queue.pop()!;
    const statement = file.statements[index];
    for (const name of statement.uses) {
      file.statements.forEach((s, i) => {
        if (s.names.includes(name)) include(file, i);
      });
      let imported = file.imports.get(name);
      if (!imported) continue;
      const binding = bind.get(keyOf(imported));
      if (binding && "global" in binding) {
        if (!globalImports.has(file.path)) globalImports.set(file.path, new Map());
        globalImports.get(file.path)!.set(name, binding.global);
        continue;
      }
      if (binding) imported = binding;
      const found = resolveExport(imported.path, imported.name);
      found.indices.forEach((i) => include(found.file, i));
      let uses = usedImports.get(file.path);
      if (!uses) usedImports.set(file.path, (uses = new Map()));
      const exportName = found.file.statements[found.indices[0]].names[0];
      uses.set(name, [found.file, exportName]);
      if (found.indices.some((i) => found.file.statements[i].kind !== "type") && statement.kind !== "type") {
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
    if (state.get(path) === "visiting") throw new Error(`cannot inline: ${path} is in an import cycle of values`);
    state.set(path, "visiting");
    for (const dep of [...(valueDeps.get(path) ?? [])].sort()) visit(dep);
    state.set(path, "done");
    ordered.push(fileAt(path));
  };
  for (const path of [...included.keys()].sort()) visit(path);

  // Top-level names: roots first (they must keep theirs), then each file's hoisted types and
  // the values it shares, in order; a taken name gets a suffix.
  const taken = new Set([
    ...(options.reserved ?? []),
    ...[...bind.values()].flatMap((b) => ("global" in b ? [b.global] : [])),
  ]);
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
    if (taken.has(name)) throw new Error(`cannot inline: the root name "${name}" is taken`);
    claim(file, name);
  }
  const statementsOf = (file: SourceFile) =>
    [...(included.get(file.path) ?? [])].sort((a, b) => a - b).map((i) => file.statements[i]);
  /** Values of a file that code outside its scope uses: what others import, and what its own
   * hoisted types refer to (`typeof x`). */
  const shared = new Map<string, Set<string>>();
  const share = (file: SourceFile, name: string) => {
    let set = shared.get(file.path);
    if (!set) shared.set(file.path, (set = new Set()));
    set.add(name);
  };
  for (const [file, name] of rootBindings) share(file, name);
  for (const uses of usedImports.values()) for (const [file, name] of uses.values()) share(file, name);
  for (const file of ordered) {
    const own = statementsOf(file);
    const values = new Set(own.filter((s) => s.kind !== "type").flatMap((s) => s.names));
    for (const s of own) {
      if (s.kind !== "type" || !s.exported) continue;
      for (const name of s.uses) if (values.has(name)) share(file, name);
    }
  }
  for (const file of ordered) {
    for (const s of statementsOf(file)) {
      for (const name of s.names) {
        if ((s.kind === "type" && s.exported) || shared.get(file.path)?.has(name)) claim(file, name);
      }
    }
  }

  const types: string[] = [];
  const scopes: string[] = [];
  for (const file of ordered) {
    const own = statementsOf(file);
    // Names to rewrite in this file: its hoisted types, every imported type or class whose
    // top-level name differs from the local one, and the imports bound to the caller's
    // constants. Imported plain values get an alias.
    const renames = new Map(globalImports.get(file.path));
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
      const kinds = source.statements.filter((s) => s.names.includes(name)).map((s) => s.kind);
      if (kinds.every((k) => k === "value")) aliases.push(`const ${local} = ${global};`);
      else renames.set(local, global);
    }
    for (const s of own) if (s.kind === "type" && s.exported) types.push(render(file, s, renames));
    const code = own.filter((s) => !(s.kind === "type" && s.exported));
    // In declaration order, so the module's text does not depend on the order of discovery.
    const sharedHere = shared.get(file.path) ?? new Set<string>();
    const exportedValues = code.flatMap((s) => s.names.filter((name) => sharedHere.has(name)));
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
        ...code.map((s) => render(file, s, renames)),
        `return { ${exportedValues.join(", ")} };`,
        `})();`,
        ...classTypes,
      ].join("\n"),
    );
  }
  return [...types, ...scopes].join("\n\n");
}

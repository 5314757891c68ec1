// Lexical scopes: parameters and loop variables, and the blocks visible at a point. A block
// defined inside a model sees the model's parameters; a block's own parameters shadow them.
import type { BlockDecl } from "../syntax/ast.ts";
import type { SymbolInfo } from "./facts.ts";
import type { Value } from "./value.ts";

export interface ValueBinding {
  readonly value: Value;
  readonly symbol?: SymbolInfo;
}

export interface BlockBinding {
  readonly decl: BlockDecl;
  /** Where the block was defined: its body sees this scope, not the caller's. */
  readonly scope: Scope;
  readonly symbol: SymbolInfo;
}

export class Scope {
  private readonly values = new Map<string, ValueBinding>();
  private readonly blocks = new Map<string, BlockBinding>();

  constructor(readonly parent?: Scope) {}

  setValue(name: string, binding: ValueBinding): void {
    this.values.set(name, binding);
  }

  ownValue(name: string): ValueBinding | undefined {
    return this.values.get(name);
  }

  value(name: string): ValueBinding | undefined {
    return this.values.get(name) ?? this.parent?.value(name);
  }

  setBlock(name: string, binding: BlockBinding): void {
    this.blocks.set(name, binding);
  }

  ownBlock(name: string): BlockBinding | undefined {
    return this.blocks.get(name);
  }

  block(name: string): BlockBinding | undefined {
    return this.blocks.get(name) ?? this.parent?.block(name);
  }

  valueNames(): string[] {
    return [...this.values.keys(), ...(this.parent?.valueNames() ?? [])];
  }

  blockNames(): string[] {
    return [...this.blocks.keys(), ...(this.parent?.blockNames() ?? [])];
  }
}

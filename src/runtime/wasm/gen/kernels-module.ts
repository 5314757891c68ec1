// Builds the kernel module's bytes for one configuration and compiles it once.
import { ModuleBuilder } from "./emitter.ts";
import { wasm, type WasmModule } from "../host/webassembly-api.ts";
import { emitGemm, emitPackB, type GemmShape } from "./gemm-kernel.ts";
import { emitCol2im } from "./col2im-kernel.ts";
import { emitDepthwise } from "./depthwise-kernel.ts";
import { emitDepthwiseGrad } from "./depthwise-grad-kernel.ts";
import { emitElementwise } from "./elementwise-kernel.ts";
import { emitPools } from "./pool-kernel.ts";
import { emitRowKernels } from "./row-kernel.ts";
import { emitPatches } from "./patches-kernel.ts";
import { emitNarrowGemm, emitNarrowTiles } from "./narrow-gemm-kernel.ts";
import { emitImplicitConv } from "./implicit-conv-kernel.ts";
import { emitBlockCombine } from "./block-kernel.ts";
import { emitStrassen } from "./strassen-kernel.ts";
import { emitAttentionHeads } from "./attention-kernel.ts";
import { emitChannelKernels } from "./channel-kernel.ts";

export interface KernelModuleConfig {
  /** Import the memory as shared (required when the caller's memory is shared). */
  readonly sharedMemory: boolean;
  readonly gemm: GemmShape;
}

export function buildKernelModule(config: KernelModuleConfig): Uint8Array {
  const m = new ModuleBuilder({ shared: config.sharedMemory });
  const gemm = emitGemm(m, config.gemm);
  const packB = emitPackB(m, config.gemm.nv);
  emitCol2im(m);
  emitDepthwise(m, config.gemm.fma);
  emitDepthwiseGrad(m);
  emitElementwise(m, config.gemm.fma);
  emitPools(m);
  const { softmaxRows } = emitRowKernels(m, config.gemm.fma);
  emitPatches(m);
  const narrowTiles = emitNarrowTiles(m, config.gemm.fma);
  emitNarrowGemm(m, narrowTiles);
  emitImplicitConv(m, narrowTiles);
  emitStrassen(m, gemm, emitBlockCombine(m), 4 * config.gemm.nv);
  emitAttentionHeads(m, { gemm, packB, softmaxRows }, 4 * config.gemm.nv);
  emitChannelKernels(m);
  return m.encode();
}

const compiled = new Map<string, WasmModule>();

/** The compiled module for a configuration, cached for the process (workers get it by message). */
export function compileKernelModule(config: KernelModuleConfig): WasmModule {
  const key = JSON.stringify(config);
  let module = compiled.get(key);
  if (!module) {
    module = new wasm.Module(buildKernelModule(config));
    compiled.set(key, module);
  }
  return module;
}

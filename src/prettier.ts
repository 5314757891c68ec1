// `prettier --plugin netc/prettier` (or `plugins: ["netc/prettier"]`): the Prettier plugin for
// .net files. Typed with Prettier's own types, so a TypeScript consumer needs none of netc's
// internal ones (the printer's tree, Chevrotain's tokens).
import type { Parser, Plugin, Printer, SupportLanguage } from "prettier";
import netcPlugin, * as parts from "./format/plugin.ts";

export const languages: SupportLanguage[] = parts.languages;
export const parsers: Record<string, Parser> = parts.parsers;
export const printers: Record<string, Printer> = parts.printers;

const plugin: Plugin = netcPlugin;
export default plugin;

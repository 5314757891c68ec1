// Writes the package folder all at once: every file goes into a temporary sibling folder, which
// is renamed to DIR only when complete, so a failure never leaves a partial DIR behind.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../../io/atomic-write.ts";

/** DIR exists with files in it and --force was not given. */
export class PackageExistsError extends Error {
  override readonly name = "PackageExistsError";
}

export type PackageFiles = ReadonlyMap<string, readonly Uint8Array[]>;

export function writePackage(dir: string, files: PackageFiles, options: { force: boolean }): void {
  const target = resolve(dir);
  const exists = existsSync(target);
  if (exists && !statSync(target).isDirectory()) throw new PackageExistsError(`${dir} exists and is not a folder`);
  if (exists && readdirSync(target).length > 0 && !options.force)
    throw new PackageExistsError(`${dir} is not empty; choose another folder or pass --force to replace it`);
  mkdirSync(dirname(target), { recursive: true });
  const stamp = `${process.pid}.${Date.now()}`;
  const temp = join(dirname(target), `.${basename(target)}.${stamp}.tmp`);
  const old = join(dirname(target), `.${basename(target)}.${stamp}.old`);
  mkdirSync(temp);
  try {
    for (const [name, chunks] of files) writeFileAtomic(join(temp, name), chunks);
    if (exists) renameSync(target, old);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

// Write a file so that readers see either the old file or the complete new one, never a torn
// one: write a temporary file in the same directory (same file system, so rename is atomic),
// fsync it, rename it over the target, then fsync the directory so the rename itself persists.
// Missing folders on the way are created. Failures throw a FileAccessError naming the target,
// never the temporary file.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FileAccessError } from "./fs-errors.ts";

/** Write `chunks` one after another to `path`, atomically. Chunks are written without copying. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new FileAccessError(error, dir, "create folder");
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, "w");
  } catch (error) {
    throw new FileAccessError(error, path, "write");
  }
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw new FileAccessError(error, path, "write");
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new FileAccessError(error, path, "write");
  }
  syncDirectory(dir);
}

function syncDirectory(dir: string): void {
  // Not every platform can open a directory (Windows); the rename is still atomic there.
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

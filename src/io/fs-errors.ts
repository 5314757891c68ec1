// File-system failures in words: what went wrong, with which path, and what to do about it,
// instead of Node's errno text ("EISDIR: illegal operation on a directory, read").

/** Node's errno errors (ENOENT, EACCES, ...). */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "errno" in error;
}

export type FileAction = "read" | "write" | "create folder";

/** `cannot read runs/x.npy: no such file; check the path` and the like. */
export function describeFsError(error: unknown, path: string, action: FileAction): string {
  const code = isErrnoError(error) ? error.code : undefined;
  const head = `cannot ${action} ${path}`;
  switch (code) {
    case "ENOENT":
      return action === "read"
        ? `${head}: no such file; check the path`
        : `${head}: a folder on the way does not exist`;
    case "EISDIR":
      return action === "read"
        ? `${head}: it is a folder, not a file`
        : `${head}: it is a folder; give a file name inside it`;
    case "ENOTDIR":
      return `${head}: a part of the path is a file, not a folder`;
    case "EACCES":
    case "EPERM":
      return `${head}: permission denied; check the ${action === "read" ? "file's" : "folder's"} permissions`;
    case "EROFS":
      return `${head}: the file system is read-only; write somewhere else`;
    case "ENOSPC":
    case "EDQUOT":
      return `${head}: no space left on the device; free some space or write elsewhere`;
    case "EEXIST":
      return `${head}: something else already exists there`;
    case "ENAMETOOLONG":
      return `${head}: the name is too long`;
    case "EMFILE":
    case "ENFILE":
      return `${head}: too many open files; close some programs and retry`;
    case "EIO":
      return `${head}: input/output error from the device`;
    default:
      return `${head}: ${code ?? (error instanceof Error ? error.message : String(error))}`;
  }
}

/** A file that could not be read or written; the message is describeFsError's. */
export class FileAccessError extends Error {
  override readonly name = "FileAccessError";
  /** The errno code (ENOENT, EROFS, ...), when there was one. */
  readonly code: string | undefined;

  constructor(
    cause: unknown,
    readonly path: string,
    readonly action: FileAction,
  ) {
    super(describeFsError(cause, path, action));
    this.code = isErrnoError(cause) ? cause.code : undefined;
  }
}

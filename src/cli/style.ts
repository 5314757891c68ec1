// Colours on a terminal, as tsc --pretty: on when the stream is a TTY, off for pipes and files.
// NO_COLOR (any non-empty value, no-color.org) turns them off; FORCE_COLOR turns them on
// (FORCE_COLOR=0 or false off), as in Node and chalk.
import { palette, type Palette } from "../diagnostics/palette.ts";

export { palette, type Palette } from "../diagnostics/palette.ts";


export interface Stream {
  readonly isTTY?: boolean;
}

export function colorEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** The palette for one output stream. */
export function paletteFor(stream: Stream): Palette {
  return palette(colorEnabled(stream));
}

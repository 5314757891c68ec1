// ANSI colours for terminal output, or none: the renderers take a Palette so that the decision
// (a TTY, NO_COLOR, FORCE_COLOR) is made once, by the command line (src/cli/style.ts).

export type Paint = (text: string) => string;

export interface Palette {
  readonly red: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
  readonly blue: Paint;
  readonly grey: Paint;
  readonly bold: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;

const COLORS: Palette = {
  red: sgr(91, 39),
  yellow: sgr(93, 39),
  cyan: sgr(96, 39),
  blue: sgr(94, 39),
  grey: sgr(90, 39),
  bold: sgr(1, 22),
};

const same: Paint = (text) => text;
const PLAIN: Palette = { red: same, yellow: same, cyan: same, blue: same, grey: same, bold: same };

export function palette(enabled: boolean): Palette {
  return enabled ? COLORS : PLAIN;
}

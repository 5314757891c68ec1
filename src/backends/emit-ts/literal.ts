// Source text never reaches emitted code except through here: JSON.stringify quotes and escapes
// every string, and the few characters JSON leaves raw that still matter in a TS file or an
// HTML page (U+2028/9 line separators, `<` of `</script>`) become \u escapes.
export function literal(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// When a document's diagnostics are computed: at once after an edit when that document is not
// being analysed, so the first keystroke after a pause gets its diagnostics as fast as the
// analysis runs; while one runs, the edits made meanwhile are coalesced into one more run for
// the newest text when it ends. Intermediate versions are never analysed in a burst, and a run
// whose text changed meanwhile publishes nothing (the server checks the version).
export class DiagnosticsScheduler {
  private readonly running = new Set<string>();
  private readonly stale = new Set<string>();

  /** `run` analyses the document's current text and publishes it if still current; it must
   * not reject. */
  constructor(private readonly run: (uri: string) => Promise<void>) {}

  /** The document was opened or edited. */
  changed(uri: string): void {
    if (this.running.has(uri)) {
      this.stale.add(uri);
      return;
    }
    this.running.add(uri);
    const done = (): void => {
      this.running.delete(uri);
      if (this.stale.delete(uri)) this.changed(uri);
    };
    this.run(uri).then(done, done);
  }

  /** The document was closed: nothing more to run for it. */
  closed(uri: string): void {
    this.stale.delete(uri);
  }
}

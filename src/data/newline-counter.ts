const LF = 0x0a;

/**
 * Counts "\n" bytes before a file offset, for a stream read in chunks. csv-parse reports where each
 * record ends as a byte offset (`info.bytes`) but its own line counter double-counts CRLF inside quoted
 * fields, so we count lines ourselves. Chunks are kept only until the queries have passed them, which
 * bounds memory by what the parser has buffered.
 */
export class NewlineCounter {
  private readonly chunks: Buffer[] = [];
  /** File offset of chunks[0]. */
  private chunkStart = 0;
  /** Newlines have been counted in [0, cursor). */
  private cursor = 0;
  private newlines = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** Number of "\n" in bytes [0, offset). Offsets must not decrease from one call to the next. */
  countBefore(offset: number): number {
    while (this.cursor < offset) {
      const chunk = this.chunks[0];
      if (chunk === undefined) break;
      const to = Math.min(chunk.length, offset - this.chunkStart);
      const view = chunk.subarray(this.cursor - this.chunkStart, to);
      for (let nl = view.indexOf(LF); nl !== -1; nl = view.indexOf(LF, nl + 1)) this.newlines += 1;
      this.cursor = this.chunkStart + to;
      if (to === chunk.length) {
        this.chunks.shift();
        this.chunkStart += chunk.length;
      }
    }
    return this.newlines;
  }
}

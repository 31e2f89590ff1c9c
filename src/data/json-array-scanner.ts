import { InputError } from "./input-error.js";

export interface ScannedElement {
  /** The element's JSON text, to be given to JSON.parse. */
  text: string;
  /** 1-based line where the element starts. */
  line: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

type Phase = "before-array" | "in-array" | "after-array";
/** Where we are between elements of the top-level array, to reject `[,` `,,` and `,]`. */
type Separator = "after-open" | "after-comma" | "after-element";

/**
 * Cuts the elements out of a top-level JSON array that arrives in chunks, so that a multi-gigabyte
 * `[...]` file can be read one element at a time. It does not validate the elements: it only tracks
 * strings (with escapes, so `"a \" ]"` does not end anything) and bracket depth to find the top-level
 * commas, and leaves the rest to JSON.parse. The array's own punctuation is checked here.
 */
export class JsonArrayScanner {
  private phase: Phase = "before-array";
  private separator: Separator = "after-open";
  private line = 1;
  private inString = false;
  private escaped = false;
  /** Open brackets and braces inside the current element. */
  private depth = 0;
  private inElement = false;
  private elementLine = 0;
  /** Pieces of the current element from earlier chunks. */
  private parts: string[] = [];

  constructor(private readonly file: string) {}

  /** Feeds the next chunk of text and returns the elements that it completes. */
  push(chunk: string): ScannedElement[] {
    const done: ScannedElement[] = [];
    let elementStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF) this.line += 1;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.inElement) {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth += 1;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) this.depth -= 1;
        else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
          done.push(this.finishElement(chunk.slice(elementStart, i)));
          this.separator = "after-element";
          this.betweenElements(c);
        }
        continue;
      }
      if (isWhitespace(c)) continue;
      if (this.phase === "in-array") {
        if (c === COMMA || c === CLOSE_BRACKET) {
          this.betweenElements(c);
        } else {
          this.startElement(c);
          elementStart = i;
        }
      } else if (this.phase === "before-array") {
        if (c !== OPEN_BRACKET) this.fail(`expected a JSON array ("[") at the top level, got "${chunk[i]}"`);
        this.phase = "in-array";
      } else {
        this.fail(`unexpected "${chunk[i]}" after the end of the top-level array`);
      }
    }
    if (this.inElement) this.parts.push(chunk.slice(elementStart));
    return done;
  }

  /** Call at end of input: throws if the array is unfinished. */
  end(): void {
    if (this.phase === "before-array") this.fail("expected a JSON array, got an empty file");
    if (this.phase === "in-array") {
      const line = this.inElement ? this.elementLine : this.line;
      throw new InputError(this.file, line, "invalid JSON: unexpected end of file: the array is not closed");
    }
  }

  private startElement(c: number): void {
    this.inElement = true;
    this.elementLine = this.line;
    this.depth = c === OPEN_BRACE || c === OPEN_BRACKET ? 1 : 0;
    this.inString = c === QUOTE;
  }

  private finishElement(tail: string): ScannedElement {
    const text = this.parts.length === 0 ? tail : this.parts.join("") + tail;
    this.parts = [];
    this.inElement = false;
    return { text, line: this.elementLine };
  }

  /** Handles a top-level "," or "]" seen outside any element. */
  private betweenElements(c: number): void {
    if (c === COMMA) {
      if (this.separator !== "after-element") this.fail('unexpected "," in the top-level array');
      this.separator = "after-comma";
      return;
    }
    if (this.separator === "after-comma") this.fail('trailing "," before "]" in the top-level array');
    this.phase = "after-array";
  }

  private fail(detail: string): never {
    throw new InputError(this.file, this.line, `invalid JSON: ${detail}`);
  }
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/**
 * The one error type for bad input data. Its message is meant to be shown to the user as is, in the
 * compiler-like form `path:line: field "instruction": expected a non-empty string, got number`, so that
 * a bad record among millions can be found with an editor's "go to line".
 */

const MARKER = Symbol.for("selfalign.InputError");

/** Longest detail we keep: parser messages can quote large parts of a line. */
const MAX_DETAIL = 300;

export class InputError extends Error {
  readonly [MARKER] = true;
  readonly file: string;
  /** 1-based line the problem is on (for multi-line records: where the record starts); undefined for file-level problems. */
  readonly line: number | undefined;
  /** Dotted field path, when the problem is one field of a record. */
  readonly field: string | undefined;
  /** The message without the `path:line: field "x": ` prefix. */
  readonly detail: string;

  constructor(
    file: string,
    line: number | undefined,
    detail: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    const trimmed = trimDetail(detail);
    const where = line === undefined ? file : `${file}:${line}`;
    const field = options.field === undefined ? "" : `field "${options.field}": `;
    super(`${where}: ${field}${trimmed}`, { cause: options.cause });
    this.name = "InputError";
    this.file = file;
    this.line = line;
    this.field = options.field;
    this.detail = trimmed;
  }

  static is(value: unknown): value is InputError {
    return typeof value === "object" && value !== null && MARKER in value;
  }
}

function trimDetail(detail: string): string {
  const oneLine = detail.replace(/\s+/g, " ").trim();
  return oneLine.length <= MAX_DETAIL ? oneLine : `${oneLine.slice(0, MAX_DETAIL - 1)}…`;
}

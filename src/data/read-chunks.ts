import { open } from "node:fs/promises";
import { InputError } from "./input-error.js";

/**
 * Streams a file as byte chunks. Open and read failures (missing file, a directory, EACCES) become
 * InputError so that callers see one error type for everything that is wrong with an input file.
 * Breaking out of the loop closes the file.
 */
export async function* readChunks(file: string, chunkSize: number): AsyncGenerator<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    throw new InputError(file, undefined, `cannot open: ${errorMessage(err)}`, { cause: err });
  }
  const stream = handle.createReadStream({ highWaterMark: chunkSize });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw InputError.is(err)
      ? err
      : new InputError(file, undefined, `cannot read: ${errorMessage(err)}`, { cause: err });
  } finally {
    stream.destroy();
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Plain text and Markdown as blocks: paragraphs (separated by blank lines) and headings, each with its
 * character offsets in the text. Markdown headings ("# Title", or a line underlined with === / ---) are
 * blocks of their own; a fenced code block stays one block even with blank lines inside; YAML front
 * matter is left out. Text inside a block is kept as written: Markdown is a fine response format.
 */

export interface TextBlock {
  text: string;
  /** Character offsets [start, end) in the source text. */
  start: number;
  end: number;
  /** Heading level 1-6, for headings. */
  heading?: number;
}

export function textBlocks(text: string, markdown: boolean): TextBlock[] {
  const blocks: TextBlock[] = [];
  const lines = splitLines(text);
  let i = markdown ? skipFrontMatter(text, lines) : 0;
  let para: Array<{ start: number; end: number }> = [];
  const flush = () => {
    if (para.length === 0) return;
    const start = para[0]!.start;
    const end = para.at(-1)!.end;
    blocks.push({ text: text.slice(start, end), start, end });
    para = [];
  };
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const content = text.slice(line.start, line.end);
    if (content.trim() === "") {
      flush();
      continue;
    }
    if (markdown) {
      const atx = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/u.exec(content);
      if (atx) {
        flush();
        blocks.push({
          text: (atx[2] ?? "").trim(),
          start: line.start,
          end: line.end,
          heading: atx[1]!.length,
        });
        continue;
      }
      const next = lines[i + 1];
      const underline = next ? text.slice(next.start, next.end) : "";
      if (para.length === 0 && /^\s{0,3}(=+|-+)\s*$/u.test(underline) && next) {
        blocks.push({
          text: content.trim(),
          start: line.start,
          end: next.end,
          heading: underline.includes("=") ? 1 : 2,
        });
        i++;
        continue;
      }
      if (/^\s{0,3}(```|~~~)/u.test(content)) {
        flush();
        const fence = content.trim().slice(0, 3);
        let j = i + 1;
        while (j < lines.length && !text.slice(lines[j]!.start, lines[j]!.end).trim().startsWith(fence)) j++;
        const last = lines[Math.min(j, lines.length - 1)]!;
        blocks.push({ text: text.slice(line.start, last.end), start: line.start, end: last.end });
        i = j;
        continue;
      }
    }
    para.push(line);
  }
  flush();
  return blocks;
}

interface Line {
  start: number;
  /** End of the line's content, before "\r\n" or "\n". */
  end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf("\n", start);
    const stop = nl === -1 ? text.length : nl;
    const end = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    lines.push({ start, end });
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}

/** Lines of a YAML front matter block ("---" on the first line, up to the next "---" or "..."). */
function skipFrontMatter(text: string, lines: Line[]): number {
  const first = lines[0];
  if (!first || text.slice(first.start, first.end).trim() !== "---") return 0;
  for (let j = 1; j < lines.length; j++) {
    const content = text.slice(lines[j]!.start, lines[j]!.end).trim();
    if (content === "---" || content === "...") return j + 1;
  }
  return 0;
}

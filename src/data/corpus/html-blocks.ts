/**
 * The readable text of an HTML page as blocks, with offsets back into the source. htmlparser2 is
 * forgiving (unclosed tags, stray brackets, bad nesting parse as a browser would roughly do), so broken
 * pages still give their text. Removed as boilerplate: scripts, styles, the head, navigation, headers,
 * footers, asides, forms, and blocks that are mostly link text (menus, tag clouds, "related" lists).
 */
import { Parser } from "htmlparser2";
import type { TextBlock } from "./text-blocks.js";

/** Elements whose whole content is never text for a reader. */
const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "math",
  "head",
  "nav",
  "header",
  "footer",
  "aside",
  "form",
  "iframe",
  "button",
  "select",
  "textarea",
  "canvas",
  "object",
]);

/** Elements that end a block of text (and start another). */
const BLOCK = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "li",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "table",
  "tr",
  "td",
  "th",
  "blockquote",
  "pre",
  "figure",
  "figcaption",
  "br",
  "hr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "body",
  "html",
  "address",
  "details",
  "summary",
  "caption",
]);

const HEADING = /^h([1-6])$/;

export interface HtmlDocument {
  title?: string;
  blocks: TextBlock[];
  /** Blocks dropped as link lists. */
  linkBlocks: number;
}

export function htmlBlocks(html: string): HtmlDocument {
  const blocks: TextBlock[] = [];
  let skipDepth = 0;
  let inTitle = false;
  let title = "";
  let pre = 0;
  let anchor = 0;
  let heading: number | undefined;
  let linkBlocks = 0;
  // The block being collected: pieces of text with their source offsets, and how much is link text.
  let parts: string[] = [];
  let start = -1;
  let end = -1;
  let linkChars = 0;

  const flush = () => {
    const raw = parts.join("");
    const text = pre > 0 ? raw.replace(/^\n+|\s+$/gu, "") : raw.replace(/\s+/gu, " ").trim();
    if (text !== "") {
      // A short block that is mostly link text is navigation, whatever its tag.
      const words = text.split(/\s+/u).length;
      if (heading === undefined && linkChars > 0.5 * text.length && words < 40) linkBlocks++;
      else blocks.push(heading === undefined ? { text, start, end } : { text, start, end, heading });
    }
    parts = [];
    start = -1;
    end = -1;
    linkChars = 0;
  };

  const parser: Parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) {
          skipDepth++;
          return;
        }
        if (name === "title") inTitle = true;
        if (skipDepth > 0) return;
        if (BLOCK.has(name)) flush();
        const level = HEADING.exec(name);
        if (level) heading = Number(level[1]);
        if (name === "pre") pre++;
        if (name === "a") anchor++;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (name === "title") inTitle = false;
        if (skipDepth > 0) return;
        if (name === "a") anchor = Math.max(0, anchor - 1);
        if (BLOCK.has(name)) flush();
        if (HEADING.test(name)) heading = undefined;
        if (name === "pre") pre = Math.max(0, pre - 1);
      },
      ontext(text) {
        if (inTitle) {
          title += text;
          return;
        }
        if (skipDepth > 0 || (text.trim() === "" && parts.length === 0)) return;
        if (start < 0) start = parser.startIndex;
        end = parser.endIndex + 1;
        parts.push(text);
        if (anchor > 0) linkChars += text.trim().length;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const cleanTitle = title.replace(/\s+/gu, " ").trim();
  return cleanTitle ? { title: cleanTitle, blocks, linkBlocks } : { blocks, linkBlocks };
}

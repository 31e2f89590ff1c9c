/** A small mixed corpus on disk for ingestion tests: text (with a BOM), Markdown, HTML, JSONL, junk. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RIVERS =
  "Rivers carve canyons over millions of years. The water carries sand and stones that grind the rock, and floods deepen the channel a little more each spring.";
export const MOUNTAINS =
  "Mountains rise where tectonic plates collide. Erosion by ice, wind and rain wears them down again, in a cycle that takes far longer than any human history.";
export const TOMATOES =
  "Tomatoes need at least six hours of direct sun a day, steady watering at the roots, and a stake or cage as they grow tall and heavy with fruit.";
export const APHIDS =
  "Aphids gather under young leaves. A strong spray of water or a little soapy water drives them off without harming the plant or the bees that visit it.";
export const TEA_1 =
  "Green tea is made from leaves that are steamed or pan-fired soon after picking, which stops oxidation and keeps the fresh colour and grassy taste.";
export const TEA_2 =
  "Brew it at about eighty degrees for two minutes; boiling water makes green tea bitter and flat.";
export const CHINESE =
  "人工智能是计算机科学的一个分支，它试图理解智能的实质，并生产出一种新的能以与人类智能相似的方式做出反应的智能机器。该领域的研究包括机器人、语言识别、图像识别、自然语言处理和专家系统等。";

/** Unclosed tags, mismatched closing tags, a stray "<", no </body>: a browser would still show the text. */
export const BROKEN_HTML =
  "<div><p>The old bridge was built of stone in 1820 <b>and still carries</i> traffic today, < a stray bracket and all, although <i>the railings are new";
export const BROKEN_TEXT =
  "The old bridge was built of stone in 1820 and still carries traffic today, < a stray bracket and all, although the railings are new";

export function writeMixedCorpus(dir: string): string {
  mkdirSync(join(dir, "web"), { recursive: true });
  writeFileSync(join(dir, "a-notes.txt"), `\ufeff${RIVERS}\n\n${MOUNTAINS}\n`);
  writeFileSync(
    join(dir, "b-garden.md"),
    `---\ntitle: ignored front matter\n---\n# Gardening basics\n\n${TOMATOES}\n\n## Pests\n\n${APHIDS}\n`,
  );
  writeFileSync(
    join(dir, "web", "tea.html"),
    `<html><head><title>All about tea</title><script>var s = "<p>not text</p>";</script></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop</a></nav>
<h1>Green tea</h1><p>${TEA_1}<p>${TEA_2}
<ul><li><a href="/1">Related one</a></li><li><a href="/2">Related two</a></li></ul>
<footer>Copyright 2026</footer>`,
  );
  // Broken on purpose: unclosed tags, a stray "<", no </body>.
  writeFileSync(join(dir, "web", "broken.html"), BROKEN_HTML);
  writeFileSync(join(dir, "web", "image.html"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
  writeFileSync(
    join(dir, "c-records.jsonl"),
    `${JSON.stringify({ id: "zh-1", text: CHINESE })}\n${JSON.stringify({ id: "empty", text: "" })}\n`,
  );
  writeFileSync(join(dir, "d-report.pdf"), "%PDF-1.4 not really");
  return dir;
}

/**
 * A scripted model and a small corpus for the document-level backtranslation tests (`selfalign longform`,
 * `selfalign wrap`). Replies depend only on the document in the prompt (and, for LongForm, the style the
 * prompt names), never on arrival order; a marker word in a document picks its fate: REFUSE (a refusal),
 * ECHO (the document copied back), GARBLE (no JSON even after the repair), ADDFACT (a response with
 * facts the document lacks), BREAK (a server error while `state.broken`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { CHINESE, MOUNTAINS, RIVERS, TEA_1, TEA_2, TOMATOES } from "./corpus-files.js";
import { type Cleanup, removeDir, serverArgs, userMessageOf } from "./respond-e2e.js";
import {
  type RecordedRequest,
  type ReplyContext,
  type ScriptedReply,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

export const ORCHARD =
  "Apple trees are pruned in late winter while they are dormant. Cutting out crossing branches lets light reach the fruit, and a thinned crown dries quickly after rain, which keeps scab away.";
export const REFUSE_DOC =
  "REFUSE notes. The lighthouse keeper climbed the spiral stairs every evening at dusk, trimmed the wick, polished the lens and wrote the weather in a leather logbook.";
export const ECHO_DOC =
  "ECHO notes. Bread dough rises because yeast eats sugar and breathes out carbon dioxide, which the gluten traps in thousands of small elastic bubbles.";
export const GARBLE_DOC =
  "GARBLE notes. Owls hunt at night with soft feathers that muffle their wings, and their ears sit at different heights so they can place a sound exactly.";
export const ADDFACT_DOC =
  "ADDFACT notes. The harbour wall protects the fishing boats from winter storms. Waves break against its granite blocks and the water inside stays calm.";
export const BREAK_DOC =
  "BREAK notes. Glaciers move slowly downhill under their own weight, scraping the valley floor and leaving long ridges of gravel where they melt.";
/** Four paragraphs of at least ten words, for the paragraph form of the length hint. */
export const ESSAY = [
  "Cities grow around rivers because water brings trade, food and power to the people on the banks.",
  "Markets form at the crossings, where roads meet the ferries and the bridges built over the years.",
  "Later the factories arrive, drawn by cheap transport and by the water that cools their machines.",
  "Today many of those old quays have become parks, where people walk and sit along the water.",
].join("\n\n");
/** Facts the ADDFACT response adds, none of them in the document. */
export const ADDED_FACT = "Its first stones were laid in 1887 by Gustave Moreau of Lyon.";

/**
 * The corpus: plain text, Markdown, HTML, and JSONL records (Chinese, the marker documents, one too short,
 * one exact copy of the text file). Read with --min-tokens 20 it yields, in sorted path order:
 * a-rivers.txt, b-garden.md, c-essay.txt, d-records.jsonl (zh, refuse, echo, garble, addfact, orchard),
 * web/tea.html; dropped at ingestion: "short" (too short) and "copy" (exact duplicate of a-rivers.txt).
 */
export function writeDocumentCorpus(dir: string, options: { withBreak?: boolean } = {}): string {
  mkdirSync(join(dir, "web"), { recursive: true });
  writeFileSync(join(dir, "a-rivers.txt"), `${RIVERS}\n\n${MOUNTAINS}\n`);
  writeFileSync(
    join(dir, "b-garden.md"),
    `# Tomatoes\n\n${TOMATOES}\n\nStake them early, before the stems grow heavy with green fruit in summer.\n`,
  );
  writeFileSync(join(dir, "c-essay.txt"), `${ESSAY}\n`);
  const records = [
    { id: "zh", text: CHINESE },
    { id: "refuse", text: REFUSE_DOC },
    { id: "echo", text: ECHO_DOC },
    { id: "garble", text: GARBLE_DOC },
    { id: "short", text: "Too short to keep." },
    { id: "addfact", text: ADDFACT_DOC },
    ...(options.withBreak ? [{ id: "break", text: BREAK_DOC }] : []),
    { id: "copy", text: `${RIVERS}\n\n${MOUNTAINS}` },
    { id: "orchard", text: ORCHARD },
  ];
  writeFileSync(join(dir, "d-records.jsonl"), records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  writeFileSync(
    join(dir, "web", "tea.html"),
    `<html><head><title>All about tea</title></head><body><nav><a href="/">Home</a> | <a href="/shop">Shop</a></nav>
<h1>Green tea</h1><p>${TEA_1}</p><p>${TEA_2}</p><footer>Copyright 2026</footer></body></html>`,
  );
  return dir;
}

/** The document between the prompt's <document> tags. */
export function documentOf(prompt: string): string {
  return /<document>\n([\s\S]*?)\n<\/document>/.exec(prompt)?.[1] ?? "";
}

/** The style label a LongForm prompt names ("formal instruction", "chatbot request", "search engine query"). */
export function styleOf(prompt: string): string {
  return /^Style: ([^.]+)\./m.exec(prompt)?.[1] ?? "";
}

export const STYLE_OF_LABEL: Record<string, string> = {
  "formal instruction": "instruction",
  "chatbot request": "chatbot",
  "search engine query": "query",
};

/** A few words the document is about: its first three words (first four characters for Chinese). */
export function topicOf(document: string): string {
  if (/^\p{Script=Han}/u.test(document)) return document.slice(0, 4);
  return document.split(/\s+/).slice(0, 3).join(" ").replace(/[.,]/g, "").toLowerCase();
}

/** The instruction the scripted model writes for an ordinary document in a style (the style's key). */
export function scriptedInstruction(document: string, style: string): string {
  const topic = topicOf(document);
  if (style === "instruction") return `Write a short text about ${topic}`;
  if (style === "chatbot") return `hey, could you tell me about ${topic}?`;
  return `${topic} facts`;
}

/** The paragraphs of at least ten words, which the scripted response restates. */
function body(document: string): string {
  return document
    .split(/\n\s*\n/)
    .filter((p) => p.split(/\s+/).length >= 10 || /\p{Script=Han}/u.test(p))
    .join(" ");
}

/** The scripted wrap pair of an ordinary document: a question and the document's paragraphs restated. */
export function scriptedPair(document: string): { instruction: string; response: string } {
  return { instruction: `Can you explain ${topicOf(document)}?`, response: body(document) };
}

export interface DocumentModelState {
  /** BREAK documents make the server fail while true. */
  broken: boolean;
}

export function documentModel(state: DocumentModelState = { broken: true }) {
  const reply = (ctx: ReplyContext): ScriptedReply => {
    if (ctx.input.startsWith("Your previous reply could not be used")) return "Still no JSON, sorry.";
    const name = (ctx.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema
      ?.name;
    const document = documentOf(ctx.input);
    if (document.startsWith("BREAK") && state.broken) throw new Error("scripted failure");
    if (document.startsWith("GARBLE")) return "I would rather describe it in prose.";
    if (name === "longform_instruction") {
      const style = STYLE_OF_LABEL[styleOf(ctx.input)] ?? "?";
      if (document.startsWith("REFUSE"))
        return JSON.stringify({ instruction: "I'm sorry, but I can't do that." });
      if (document.startsWith("ECHO")) return JSON.stringify({ instruction: document });
      return JSON.stringify({ instruction: scriptedInstruction(document, style) });
    }
    if (name === "wrap_pair") {
      const pair = scriptedPair(document);
      if (document.startsWith("REFUSE")) pair.response = "I'm sorry, I cannot help with this request.";
      if (document.startsWith("ADDFACT")) pair.response = `${pair.response} ${ADDED_FACT}`;
      return JSON.stringify(pair);
    }
    return `unexpected request: ${ctx.input.slice(0, 40)}`;
  };
  return { reply, state };
}

export async function documentServer(
  cleanups: Cleanup[],
  state?: DocumentModelState,
): Promise<ScriptedServer & { state: DocumentModelState }> {
  const model = documentModel(state);
  const server = await startScriptedServer({ reply: model.reply });
  cleanups.push(() => server.close());
  return Object.assign(server, { state: model.state });
}

export interface DocumentFixture {
  dir: string;
  corpus: string;
  out: string;
  /** `<command> --corpus ... --out ... --min-tokens 20` against the server, plus `extra`. */
  args(command: "longform" | "wrap", extra?: string[]): string[];
}

export function documentFixture(
  cleanups: Cleanup[],
  server: ScriptedServer,
  options: { withBreak?: boolean } = {},
): DocumentFixture {
  const dir = tempDir("selfalign-documents-");
  cleanups.push(() => removeDir(dir));
  const corpus = writeDocumentCorpus(join(dir, "corpus"), options);
  const out = join(dir, "out");
  return {
    dir,
    corpus,
    out,
    args: (command, extra = []) => [
      command,
      "--corpus",
      corpus,
      "--out",
      out,
      "--min-tokens",
      "20",
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}

/** The documents of the method requests (not the repairs) the server saw, in arrival order. */
export function requestedDocuments(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.path === "/v1/chat/completions")
    .map((r) => userMessageOf(r.body) ?? "")
    .filter((message) => message.includes("<document>"))
    .map(documentOf);
}

/** UDIT's Chinese instruction templates (our own wording; see udit.ts). */
import { BLANK, letter, lettered, numbered, type TemplateTable, t } from "./udit-template.js";

const withOptions = (text: string, options: readonly string[], label = "文字") =>
  `${label}：${text}\n\n选项：\n${lettered(options)}`;
const choice = (options: readonly string[], answer: number) => `${letter(answer)}. ${options[answer]}`;
const inOrder = (order: readonly number[]) => order.join("、");
const paragraph = (sentences: readonly string[], order: readonly number[]) =>
  order.map((n) => sentences[n - 1]).join("");

export const UDIT_ZH: TemplateTable = {
  "summary-title": [
    t((a) => ({ instruction: "为下面这段文字拟一个标题。", input: a.passage, output: a.summary })),
    t((a) => ({
      instruction: "请给这段文字起一个简短的标题，概括它的主要内容。",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({ instruction: "阅读下文，写出一个合适的标题。", input: a.passage, output: a.summary })),
    t((a) => ({ instruction: "这段文字适合用什么标题？", input: a.passage, output: a.summary })),
  ],
  "summary-lead": [
    t((a) => ({ instruction: "用一句话概括下面这段文字。", input: a.passage, output: a.summary })),
    t((a) => ({
      instruction: "请为下面的段落写一句开头，点明它的主题。",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "这段文字主要讲了什么？请用一句话回答。",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({ instruction: "读完下文，用一句话总结其内容。", input: a.passage, output: a.summary })),
  ],
  "cloze-open": [
    t((a) => ({ instruction: `填写下文中空缺（${BLANK}）处的词语。`, input: a.text, output: a.answer })),
    t((a) => ({
      instruction: `下面这段文字中有一个词被换成了${BLANK}，请写出这个词。`,
      input: a.text,
      output: a.answer,
    })),
    t((a) => ({ instruction: "阅读短文，补全横线处缺少的词语。", input: a.text, output: a.answer })),
    t((a) => ({
      instruction: `请根据上下文，推断${BLANK}处原本是什么词。`,
      input: a.text,
      output: a.answer,
    })),
  ],
  "cloze-choice": [
    t((a) => ({
      instruction: `下列哪个选项最适合填入文中的空缺（${BLANK}）？`,
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: "选择正确的词语补全下面的文字，只回答选项字母。",
      input: withOptions(a.text, a.options),
      output: letter(a.answer),
    })),
    t((a) => ({
      instruction: "阅读短文，从选项中选出应填入横线处的词语。",
      input: withOptions(a.text, a.options, "短文"),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: "从下列选项中选一个词填空，并写出这个词。",
      input: withOptions(a.text, a.options),
      output: a.options[a.answer]!,
    })),
  ],
  ordering: [
    t((a) => ({
      instruction: "下面句子的顺序被打乱了，请按原文顺序排列，写出句子编号。",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction: "把这些句子排成一段通顺的文字，用编号回答。",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction: "请恢复下列句子的原始顺序。",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction: "将下面打乱的句子重新排序：先给出编号顺序，再写出完整的段落。",
      input: numbered(a.sentences),
      output: `${inOrder(a.order)}\n\n${paragraph(a.sentences, a.order)}`,
    })),
  ],
  "next-sentence": [
    t((a) => ({
      instruction: "下面这段文字的下一句是哪一个？",
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: "阅读文字的开头，从选项中选出紧接着的一句，只回答字母。",
      input: withOptions(a.text, a.options, "开头"),
      output: letter(a.answer),
    })),
    t((a) => ({
      instruction: "以下选项中只有一句是这段文字真正的下一句，请找出来。",
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: "请从选项中选出最可能接在这段文字后面的句子，并写出这句话。",
      input: withOptions(a.text, a.options),
      output: a.options[a.answer]!,
    })),
  ],
  keywords: [
    t((a) => ({
      instruction: `列出下面这段文字中最重要的${a.keywords.length}个关键词，用顿号分隔。`,
      input: a.passage,
      output: a.keywords.join("、"),
    })),
    t((a) => ({
      instruction: `这段文字的关键词有哪些？请给出${a.keywords.length}个。`,
      input: a.passage,
      output: a.keywords.join("、"),
    })),
    t((a) => ({
      instruction: `从下文中提取${a.keywords.length}个能概括主题的关键词，每行一个。`,
      input: a.passage,
      output: a.keywords.join("\n"),
    })),
    t((a) => ({
      instruction: `为这段文字标注${a.keywords.length}个关键词。`,
      input: a.passage,
      output: a.keywords.join("、"),
    })),
  ],
};

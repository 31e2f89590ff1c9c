/**
 * A small English and Chinese corpus for UDIT: Markdown with headings (a usable one and a one-word one),
 * plain text with no title, HTML with a <title>, JSONL records, plus passages ingestion or UDIT drops
 * (too short, an exact copy, French).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const RIVERS_TITLE = "How rivers shape the land";
export const RIVERS =
  "Rivers carve deep canyons over millions of years. The flowing water carries sand and pebbles that grind against the bedrock. Seasonal floods widen the channel and leave fertile silt on the plains. Over time, meanders form where the current slows on the inner bank.";
export const DELTAS =
  "Where a river meets the sea, it drops its load of sediment. The deposits build a fan of new land called a delta. Mangroves and marsh grasses often settle on these muddy flats. Some deltas grow by several metres every year.";
export const BEES =
  "Honey bees communicate through a waggle dance performed inside the hive. The angle of the dance tells other workers the direction of a food source relative to the sun. The length of the waggle run signals how far away the flowers are. Foragers that watch the dance can fly straight to the nectar.";
export const TEA_TITLE = "A short history of tea";
export const TEA =
  "Tea drinking began in southwest China as a medicinal practice. Traders carried compressed tea bricks along mountain routes to Tibet. Dutch merchants brought the leaves to Europe in the early seventeenth century. Within a hundred years, tea had become a daily habit in Britain.";
export const GLASS =
  "Glassblowers gather molten glass on the end of a long metal pipe. They blow gently to form a bubble and shape it with wooden paddles. The finished piece cools slowly in an annealing oven so that it does not crack.";
export const WALL =
  "长城是中国古代修建的军事防御工程。它东起山海关，西至嘉峪关，全长数千公里。历代王朝都曾对长城进行修缮和扩建。如今，长城已成为世界闻名的旅游景点。";
export const PANDA =
  "熊猫主要生活在四川、陕西和甘肃的山区。它们以竹子为主要食物，每天要花十几个小时进食。野生熊猫的数量曾经急剧下降。经过多年的保护，熊猫的生存状况有了明显改善。";
export const ZH_TEA_TITLE = "中国茶文化简介";
export const ZH_TEA =
  "茶起源于中国，已有数千年的历史。唐代的陆羽写下了世界上第一部茶叶专著《茶经》。宋代流行点茶，明代以后散茶冲泡逐渐普及。今天，绿茶、红茶和乌龙茶在世界各地都很受欢迎。";
/** Two sentences and no title: no summary (a lead needs 3) and no ordering. */
export const LIGHTHOUSES =
  "Lighthouses once relied on keepers who trimmed the wicks and wound the clockwork that turned the lens through the night. Today almost every light on the coast runs automatically and is checked by a technician only a few times each year.";
export const FRENCH =
  "Les rivières creusent des canyons profonds pendant des millions d'années. L'eau transporte du sable et des cailloux qui usent lentement la roche du fond. Les crues de printemps élargissent le lit et déposent du limon fertile sur les plaines voisines.";

/** The corpus: 5 files of English and Chinese, plus a French text, a too-short text, an exact copy and a two-sentence text. */
export function writeUditCorpus(dir: string): string {
  writeFileSync(join(dir, "a-rivers.md"), `# ${RIVERS_TITLE}\n\n${RIVERS}\n\n## Deltas\n\n${DELTAS}\n`);
  writeFileSync(join(dir, "b-bees.txt"), `${BEES}\n`);
  writeFileSync(
    join(dir, "c-tea.html"),
    `<html><head><title>${TEA_TITLE}</title></head><body><nav><a href="/">Home</a></nav><p>${TEA}</p></body></html>`,
  );
  writeFileSync(
    join(dir, "d-records.jsonl"),
    [
      { id: "glass", text: GLASS },
      { id: "wall", text: WALL },
      { id: "panda", text: PANDA },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n"),
  );
  writeFileSync(join(dir, "e-zh-tea.md"), `# ${ZH_TEA_TITLE}\n\n${ZH_TEA}\n`);
  writeFileSync(join(dir, "f-french.txt"), `${FRENCH}\n`);
  writeFileSync(join(dir, "g-short.txt"), "Far too short to keep.\n");
  writeFileSync(join(dir, "h-bees-copy.txt"), `${BEES}\n`);
  writeFileSync(join(dir, "i-lighthouses.txt"), `${LIGHTHOUSES}\n`);
  return dir;
}

/**
 * The run report in a real browser: headless Chromium (Debian's, through playwright-core) loads a
 * report of a pipeline run made through the CLI against the scripted server. Panels render, numbers
 * match the files, search filters, a tree node expands, a heat-map cell opens its prompt and response,
 * hostile records run nothing, `serve` shows records appended while it runs, and a screenshot is taken.
 * Chromium is required: without it this file fails and says how to get it.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, tempDir } from "../testkit/cli.js";
import { HOSTILE } from "../testkit/report-model.js";
import { type ReportRun, reportRunFixture } from "../testkit/report-run.js";
import { type Cleanup, readJsonlFile, removeDir } from "../testkit/respond-e2e.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The few browser globals the page functions below use (the project compiles without DOM types). */
interface Box {
  left: number;
  top: number;
}
interface BrowserWindow {
  __pwned?: number;
  innerWidth: number;
  echarts: { getInstanceByDom(el: unknown): { convertToPixel(finder: object, value: number[]): number[] } };
  document: {
    documentElement: { scrollWidth: number };
    getElementById(id: string): { getBoundingClientRect(): Box } | null;
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  };
}
const cleanups: Cleanup[] = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

let run: ReportRun;
let browser: Browser;
let reportFile: string;
const lines = (step: string, file: string) => readJsonlFile(join(run.dir, step, file));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the report's browser tests need it. Install it (Debian/Ubuntu: ` +
        "apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium or Chrome binary.",
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM });
  cleanups.push(() => browser.close());
  run = await reportRunFixture(cleanups);
  const made = startCli(["report", run.dir]);
  const result = await made.result;
  if (result.code !== 0) throw new Error(`selfalign report failed: ${result.stderr}`);
  reportFile = result.stdout.trim();
}, 90_000);

/** A page on the report with its errors (script errors and policy violations) collected. */
async function open(
  url: string,
  size = { width: 1366, height: 768 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: size });
  cleanups.push(() => page.close());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(url);
  return { page, errors };
}

const fileUrl = () => `file://${reportFile}`;

describe("report in Chromium", () => {
  it("renders every panel; the funnel table shows the files' numbers", async () => {
    const { page, errors } = await open(fileUrl());
    await expect(page.locator("#run-status").textContent()).resolves.toBe("complete");
    const kept = lines("generate", "instructions.jsonl").length;
    const dropped = lines("generate", "dropped.jsonl").length;
    const row = page.locator('table.funnel tr[data-step="generate"]');
    await expect(row.locator('[data-field="kept"]').textContent()).resolves.toBe(String(kept));
    await expect(row.locator('[data-field="dropped"]').textContent()).resolves.toBe(String(dropped));
    await expect(row.locator('[data-field="generated"]').textContent()).resolves.toBe(String(kept + dropped));
    const candidates = lines("redteam", "candidates.jsonl").length;
    await expect(
      page.locator('table.funnel tr[data-step="redteam"] [data-field="generated"]').textContent(),
    ).resolves.toBe(String(candidates));

    for (const panel of [
      "overview",
      "diversity",
      "rouge",
      "lengths",
      "scores",
      "trees",
      "rainbow",
      "spend",
    ]) {
      await page.click(`#nav-${panel}`);
      const canvases = await page.locator(`#panel-${panel} canvas`).count();
      expect(canvases, panel).toBeGreaterThan(0);
    }
    await page.click("#nav-samples");
    expect(await page.locator("#panel-samples article.sample").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it("search and filters narrow the sample browser", async () => {
    const { page } = await open(`${fileUrl()}#samples`);
    const total = await page.locator("#samples-count").textContent();
    const target = lines("generate", "instructions.jsonl")[3]!;
    // The id is searched: evol keeps its input's ids for the roots, so the step filter narrows to one.
    await page.fill("#filter-q", target.id as string);
    await expect(page.locator("#samples-count").textContent()).resolves.toMatch(/^2 of /);
    await page.selectOption("#filter-step", "generate");
    await expect(page.locator("#samples-count").textContent()).resolves.toMatch(/^1 of /);
    await expect(page.locator('article.sample pre[data-field="instruction"]').textContent()).resolves.toBe(
      target.instruction,
    );
    await page.fill("#filter-q", "");
    await page.selectOption("#filter-step", "all");
    await expect(page.locator("#samples-count").textContent()).resolves.toBe(total);
    await page.selectOption("#filter-reason", "rouge-similar");
    const dropped = lines("generate", "dropped.jsonl").length;
    await expect(page.locator("#samples-count").textContent()).resolves.toMatch(
      new RegExp(`^${dropped} of `),
    );
    await page.selectOption("#filter-reason", "all");
    await page.selectOption("#filter-step", "judge");
    await page.fill("#filter-minScore", "9");
    const high = lines("judge", "judged.jsonl").filter((r) => (r.score as number) >= 9).length;
    await expect(page.locator("#samples-count").textContent()).resolves.toMatch(new RegExp(`^${high} of `));
  });

  it("an evolution tree node expands to its children with their operations", async () => {
    const { page } = await open(`${fileUrl()}#trees`);
    const generations = lines("evolve", "generations.jsonl");
    const root = generations.find(
      (g) => g.parent_id === null && generations.some((c) => c.parent_id === g.id),
    )!;
    const children = generations.filter((c) => c.parent_id === root.id);
    const node = page.locator(`details.node[data-id="${root.id as string}"]`);
    await expect(node.locator(".children").count()).resolves.toBe(0);
    await node.locator("> summary").click();
    const shown = node.locator("> .children > .node");
    await expect(shown.count()).resolves.toBe(children.length);
    await expect(shown.first().locator(".op").first().textContent()).resolves.toBe(children[0]!.operation);
    expect(await shown.first().isVisible()).toBe(true);
  });

  it("a heat-map cell opens its prompt and response", async () => {
    const { page } = await open(`${fileUrl()}#rainbow`);
    const elite = lines("redteam", "archive.jsonl")[0]!;
    const [row, col] = elite.cell_index as [number, number];
    // Where ECharts drew the cell: its own coordinate conversion, then a real mouse click there.
    const point = await page.evaluate(
      ([c, r]) => {
        const w = globalThis as unknown as BrowserWindow;
        const el = w.document.getElementById("rainbow-chart")!;
        const box = el.getBoundingClientRect();
        const [x = 0, y = 0] = w.echarts.getInstanceByDom(el).convertToPixel({ seriesIndex: 0 }, [c, r]);
        return { x: box.left + x, y: box.top + y };
      },
      [col, row] as [number, number],
    );
    await page.mouse.click(point.x, point.y);
    await expect(page.locator('[data-field="cell-prompt"]').textContent()).resolves.toBe(elite.prompt);
    await expect(page.locator('[data-field="cell-response"]').textContent()).resolves.toBe(elite.response);
  });

  it("records holding <script> and <img onerror> run nothing and show as text", async () => {
    const { page, errors } = await open(fileUrl());
    for (const panel of ["overview", "trees", "samples"]) await page.click(`#nav-${panel}`);
    await page.fill("#filter-q", "__pwned");
    const texts = await page.locator('article.sample pre[data-field="response"]').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toContain(HOSTILE);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserWindow).__pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(3);
    expect(errors).toEqual([]);
  });

  it("takes the screenshots (laptop and desktop sizes)", async () => {
    const dir = tempDir("selfalign-report-shots-");
    cleanups.push(() => removeDir(dir));
    for (const size of [
      { width: 1366, height: 768 },
      { width: 1920, height: 1080 },
    ]) {
      const { page } = await open(fileUrl(), size);
      // No horizontal scroll bar at either size.
      const fits = await page.evaluate(() => {
        const w = globalThis as unknown as BrowserWindow;
        return w.document.documentElement.scrollWidth <= w.innerWidth;
      });
      expect(fits).toBe(true);
      const path = join(dir, `report-${size.width}.png`);
      await page.screenshot({ path });
      expect(readFileSync(path).subarray(1, 4).toString()).toBe("PNG");
      // `SELFALIGN_WRITE_SCREENSHOT=1 npx vitest run test/report-browser.test.ts` refreshes the docs'.
      if (process.env.SELFALIGN_WRITE_SCREENSHOT === "1" && size.width === 1366)
        copyFileSync(path, resolve(import.meta.dirname, "../docs/report.png"));
    }
  });
});

describe("serve in Chromium", () => {
  it("shows a record appended to the run while the page is open", async () => {
    const child = startCli(["serve", run.dir, "--port", "0"]);
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await child.result;
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/\S+/.exec(out);
        if (m) resolveUrl(m[0]);
      });
      child.once("close", () => reject(new Error("serve exited before listening")));
    });
    const { page, errors } = await open(`${url}#samples`);
    await expect(page.locator("#live").textContent()).resolves.toBe("live");
    const marker = "Appended while the page was open";
    expect(await page.locator(`text=${marker}`).count()).toBe(0);
    appendFileSync(
      join(run.dir, "generate", "instructions.jsonl"),
      `${JSON.stringify({ id: "live-1", instruction: marker, meta: { method: "self-instruct" } })}\n`,
    );
    await page.waitForFunction(
      (text) =>
        Array.from((globalThis as unknown as BrowserWindow).document.querySelectorAll("pre")).some(
          (p) => p.textContent === text,
        ),
      marker,
      { timeout: 30_000 },
    );
    await page.click("#nav-overview");
    const kept = lines("generate", "instructions.jsonl").length;
    await expect(
      page.locator('table.funnel tr[data-step="generate"] [data-field="kept"]').textContent(),
    ).resolves.toBe(String(kept));
    expect(errors).toEqual([]);
    child.kill("SIGTERM");
    expect((await child.result).code).toBe(0);
  });
});

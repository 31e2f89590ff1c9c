/**
 * Estimators of the in-context generators (self-instruct, unnatural, topics, from-dataset): methods that
 * draw until a goal is met, so the low end is the goal met with every draw kept and the high end is the
 * method's draw cap.
 */
import { calls, type Estimator, num, r, structured, tokensOf } from "./estimators-kit.js";

/** Task-list calls (about `per` tasks each, up to 4 per kept batch), then 2 to 4 instance calls per task. */
const selfInstruct: Estimator = (o) => {
  const n = Number(o.count);
  const alpaca = o.style === "alpaca";
  // Self-Instruct's prompt shows 8 tasks and the model continues the list: about 8 new ones per call.
  const per = alpaca ? num(o, "perRequest", 20) : 8;
  const max = num(o, "maxOutputTokens", alpaca ? 3072 : 1024);
  const gen = r(Math.ceil(n / per), Math.ceil((4 * n) / per));
  return {
    records: r(n),
    shares: [
      calls(gen, r(550), r(per * 30, max)),
      calls(r(2 * n, 4 * n), r(350, 400), r(40, num(o, "instanceMaxTokens", max))),
    ],
  };
};

/** Draws (a repairable generation and an output call each) up to --max-draws; a rewording per kept one. */
const unnatural: Estimator = (o, input) => {
  const count = Number(o.count);
  const k = num(o, "reformulations", 3);
  const draws = r(count, num(o, "maxDraws", 4 * count));
  const max = num(o, "maxOutputTokens", 1024);
  const seed = tokensOf(input, 60);
  const shown = num(o, "inContext", 3);
  // The generation prompt shows the seeds as JSON objects; the other two show one example.
  const shares = [
    ...structured(draws, r(250 + shown * seed, 250 + shown * 2 * seed), r(60, max)),
    calls(draws, r(40 + seed, 40 + 2 * seed), r(30, max)),
  ];
  if (k > 0) shares.push(...structured(r(count), r(120 + seed, 120 + 2 * seed), r(15 * k, max)));
  return {
    records: r(count, count * (1 + k)),
    shares,
    note: "fewer records if --max-draws runs out",
  };
};

/** Per topic, ceil(K / batch) list calls when every item is kept, up to --max-calls-per-topic. */
const topics: Estimator = (o, input) => {
  const topicCount = input?.records ?? r(0);
  const perTopic = Number(o.perTopic);
  const batch = num(o, "batch", Math.min(perTopic, 10));
  const least = Math.ceil(perTopic / batch);
  const most = num(o, "maxCallsPerTopic", 3 * least);
  // Only the examples' instructions are shown, a few dozen tokens each.
  const examples = o.examples === undefined ? 0 : num(o, "examplesPerCall", 3);
  return {
    records: r(topicCount.lo * perTopic, topicCount.hi * perTopic),
    shares: [
      calls(
        r(topicCount.lo * least, topicCount.hi * most),
        r(300 + examples * 30, 300 + examples * 60),
        r(batch * 25, num(o, "maxOutputTokens", 1024)),
      ),
    ],
    note: "fewer records if a topic ends short at its call cap",
  };
};

/** ceil(tasks / tasks-per-call) proposal calls (each repairable); rows become instances without a call. */
const fromDataset: Estimator = (o, input) => {
  const rows = input?.records ?? r(0);
  const tasks = num(o, "tasks", 10);
  const perCall = num(o, "tasksPerCall", 5);
  const shown = num(o, "sampleRows", 3);
  // Example values are cut at --max-value-chars; a row's mean size bounds them well enough.
  const row = tokensOf(input, 100);
  return {
    // Every row becomes an instance of every valid task; a task can be invalid, a row can lack a value.
    records: r(0, rows.hi * tasks),
    shares: structured(
      r(Math.ceil(tasks / perCall)),
      r(450 + shown * row, 450 + shown * 2 * row),
      r(Math.min(tasks, perCall) * 40, num(o, "maxOutputTokens", 1024)),
    ),
  };
};

export const GENERATOR_ESTIMATORS: Record<string, Estimator> = {
  "self-instruct": selfInstruct,
  unnatural,
  topics,
  "from-dataset": fromDataset,
};

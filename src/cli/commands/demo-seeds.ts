/** A dozen seed tasks of our own, varied in kind, for the demo (and as an example seed file). */
export const DEMO_SEEDS: ReadonlyArray<{
  id: string;
  instruction: string;
  instances: Array<{ input: string; output: string }>;
  is_classification: boolean;
}> = [
  {
    id: "demo_seed_0",
    instruction: "Explain in two sentences why the sky looks blue during the day.",
    instances: [
      {
        input: "",
        output:
          "Air molecules scatter short blue wavelengths of sunlight far more than red ones. That scattered blue light reaches our eyes from every direction of the sky.",
      },
    ],
    is_classification: false,
  },
  {
    id: "demo_seed_1",
    instruction: "Write a haiku about a train arriving late at night.",
    instances: [
      {
        input: "",
        output: "Headlight through the fog / the last carriage sighs to rest / one sleepy traveller",
      },
    ],
    is_classification: false,
  },
  {
    id: "demo_seed_2",
    instruction: "List three ways to reduce food waste at home.",
    instances: [
      {
        input: "",
        output:
          "Plan meals before shopping; store leftovers in clear containers; freeze bread and fruit before they spoil.",
      },
    ],
    is_classification: false,
  },
  {
    id: "demo_seed_3",
    instruction: "Translate the sentence into French.",
    instances: [{ input: "The library opens at nine.", output: "La bibliothèque ouvre à neuf heures." }],
    is_classification: false,
  },
  {
    id: "demo_seed_4",
    instruction: "Decide whether the review is positive or negative.",
    instances: [{ input: "The soup was cold and the waiter ignored us.", output: "negative" }],
    is_classification: true,
  },
  {
    id: "demo_seed_5",
    instruction: "Give a short Python function that returns the largest of three numbers.",
    instances: [{ input: "", output: "def largest(a, b, c):\n    return max(a, b, c)" }],
    is_classification: false,
  },
  {
    id: "demo_seed_6",
    instruction: "Rewrite the sentence so that it sounds more polite.",
    instances: [
      {
        input: "Send me the report now.",
        output: "Could you please send me the report when you have a moment?",
      },
    ],
    is_classification: false,
  },
  {
    id: "demo_seed_7",
    instruction: "Is the number even or odd?",
    instances: [{ input: "47", output: "odd" }],
    is_classification: true,
  },
  {
    id: "demo_seed_8",
    instruction: "Suggest a name for a podcast about urban gardening.",
    instances: [{ input: "", output: "Concrete Sprouts" }],
    is_classification: false,
  },
  {
    id: "demo_seed_9",
    instruction: "Summarize the paragraph in one sentence.",
    instances: [
      {
        input:
          "Bees visit flowers to collect nectar. While they do, pollen sticks to their bodies and is carried to the next flower, which lets many plants produce fruit.",
        output: "Bees pollinate plants as they gather nectar, helping them bear fruit.",
      },
    ],
    is_classification: false,
  },
  {
    id: "demo_seed_10",
    instruction: "What is the capital of Canada, and which province is it in?",
    instances: [{ input: "", output: "Ottawa, in Ontario." }],
    is_classification: false,
  },
  {
    id: "demo_seed_11",
    instruction: "请用一句话解释什么是机器学习。",
    instances: [{ input: "", output: "机器学习是让计算机从数据中自动学习规律并据此做出预测的方法。" }],
    is_classification: false,
  },
];

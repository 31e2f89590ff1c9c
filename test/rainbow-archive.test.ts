import { describe, expect, it } from "vitest";
import { cellKey, MapElitesArchive } from "../src/methods/feedback/rainbow-archive.js";

const elite = (id: string, score: number) => ({ id, score, prompt: `prompt ${id}` });

describe("MAP-Elites archive", () => {
  it("inserts into empty cells and replaces an incumbent only when the candidate won", () => {
    const archive = new MapElitesArchive<ReturnType<typeof elite>>([2, 3]);
    expect(archive.size).toBe(6);
    expect(archive.meanScore()).toBeNull();
    expect(archive.offer([1, 2], elite("a", 4))).toBe("inserted");
    expect(archive.offer([0, 0], elite("b", 8))).toBe("inserted");
    // Occupied: no verdict is a bug; a lost verdict keeps the incumbent even with a higher score.
    expect(() => archive.offer([1, 2], elite("c", 9))).toThrow(/needs the judge's verdict/);
    expect(archive.offer([1, 2], elite("c", 9), { candidateWins: false })).toBe("lost");
    expect(archive.incumbent([1, 2])?.id).toBe("a");
    // A winner replaces it even with a lower score: the pairwise verdict decides, not the score.
    expect(archive.offer([1, 2], elite("d", 2), { candidateWins: true })).toBe("replaced-incumbent");
    expect(archive.incumbent([1, 2])?.id).toBe("d");
    expect(archive.filled).toBe(2);
    expect(archive.coverage()).toBeCloseTo(2 / 6, 12);
    expect(archive.meanScore()).toBe(5);
    expect(archive.entries().map((e) => [cellKey(e.cell), e.occupant.id])).toEqual([
      ["0,0", "b"],
      ["1,2", "d"],
    ]);
  });

  it("gives grid data for a heat map, nested by axis", () => {
    const archive = new MapElitesArchive<ReturnType<typeof elite>>([2, 2]);
    archive.offer([0, 1], elite("x", 7));
    expect(archive.grid()).toEqual([
      [null, { score: 7, id: "x" }],
      [null, null],
    ]);
    const cube = new MapElitesArchive<ReturnType<typeof elite>>([2, 1, 2]);
    cube.offer([1, 0, 1], elite("y", 3));
    expect(cube.grid()).toEqual([[[null, null]], [[null, { score: 3, id: "y" }]]]);
  });

  it("round-trips through JSON and rejects cells outside the grid", () => {
    const archive = new MapElitesArchive<ReturnType<typeof elite>>([3]);
    archive.offer([2], elite("p", 5));
    archive.offer([0], elite("q", 1));
    const copy = MapElitesArchive.fromJSON(JSON.parse(JSON.stringify(archive)));
    expect(copy.toJSON()).toEqual(archive.toJSON());
    expect(copy.incumbent([2])).toEqual(elite("p", 5));
    expect(() => archive.offer([3], elite("r", 1))).toThrow(RangeError);
    expect(() => archive.offer([0, 0], elite("r", 1))).toThrow(RangeError);
    expect(() => new MapElitesArchive([2, 0])).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { doneNotification, doneTitle } from "./done-notice";

describe("done notice", () => {
  it.each([
    [{ stored: 12, failed: 1 }, "✓ 12 uploaded, 1 failed · Uploads"],
    [{ stored: 1, failed: 0 }, "✓ 1 uploaded · Uploads"],
    [{ stored: 0, failed: 3 }, "✗ 3 failed · Uploads"],
  ])("title for %j", (outcome, title) => {
    expect(doneTitle(outcome, "Uploads")).toBe(title);
  });

  it("notification text", () => {
    expect(doneNotification({ stored: 12, failed: 1 })).toEqual({ title: "Uploads finished with failures", body: "12 files stored, 1 failed." });
    expect(doneNotification({ stored: 1, failed: 0 })).toEqual({ title: "Uploads finished", body: "1 file stored." });
  });
});

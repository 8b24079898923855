import { describe, expect, it } from "vitest";
import { namePastedFiles, pastedNames, pasteStamp } from "./pasted-name";

const at = new Date(2026, 10, 30, 16, 5, 9); // local time, as the name shows it

describe("pastedNames", () => {
  it("gives a screenshot named image.png a dated name", () => {
    expect(pastedNames([{ name: "image.png", type: "image/png" }], at)).toEqual(["Pasted image 2026-11-30 16-05-09.png"]);
  });

  it("keeps names unique within one paste, and real names as they are", () => {
    const names = pastedNames(
      [
        { name: "image.png", type: "image/png" },
        { name: "report.pdf", type: "application/pdf" },
        { name: "image.png", type: "image/png" },
        { name: "image.jpeg", type: "image/jpeg" },
      ],
      at,
    );
    expect(names).toEqual(["Pasted image 2026-11-30 16-05-09.png", "report.pdf", "Pasted image 2026-11-30 16-05-09 (2).png", "Pasted image 2026-11-30 16-05-09 (3).jpeg"]);
  });

  it("names a nameless file from its type", () => {
    expect(pastedNames([{ name: "", type: "image/gif" }], at)).toEqual(["Pasted image 2026-11-30 16-05-09.gif"]);
    expect(pastedNames([{ name: "", type: "application/x-unknown" }], at)).toEqual(["Pasted file 2026-11-30 16-05-09.bin"]);
  });

  it("pads every field and uses no colons", () => {
    expect(pasteStamp(new Date(2027, 0, 2, 3, 4, 5))).toBe("2027-01-02 03-04-05");
  });
});

it("namePastedFiles renames with the same bytes and type, and leaves real names alone", async () => {
  const [shot, doc] = namePastedFiles([new File(["png!"], "image.png", { type: "image/png", lastModified: 7 }), new File(["pdf"], "a.pdf", { type: "application/pdf" })], at);
  expect([shot!.name, shot!.type, shot!.lastModified, await shot!.text()]).toEqual(["Pasted image 2026-11-30 16-05-09.png", "image/png", 7, "png!"]);
  expect(doc!.name).toBe("a.pdf");
});

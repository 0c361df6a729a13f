import { describe, expect, it } from "vitest";
import { csvField, csvTable } from "./csv";

describe("csvField", () => {
  it("leaves plain values bare and quotes commas, quotes and line breaks", () => {
    expect(csvField("token.create")).toBe("token.create");
    expect(csvField(12)).toBe("12");
    expect(csvField(null)).toBe("");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("one\ntwo")).toBe('"one\ntwo"');
    expect(csvField("one\r\ntwo")).toBe('"one\r\ntwo"');
  });

  it("neutralises text a spreadsheet would run as a formula with a leading single quote (OWASP)", () => {
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField("\r=cmd")).toBe('"\'\r=cmd"');
    expect(csvField('=HYPERLINK("http://x.test","a,b")')).toBe('"\'=HYPERLINK(""http://x.test"",""a,b"")"');
  });

  it("leaves the characters alone elsewhere in the text, and numbers as numbers", () => {
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("lead@x.test")).toBe("lead@x.test");
    expect(csvField(" =1")).toBe(" =1");
    expect(csvField("")).toBe("");
    expect(csvField(-5)).toBe("-5");
  });
});

describe("csvTable", () => {
  it("writes the header and one CRLF-ended line per row, each field as csvField writes it", () => {
    expect(
      csvTable(
        ["at", "who", "n"],
        [
          ["2026-05-01T12:00:00.000Z", "Ann, lead", 3],
          ["x", "=1+2", null],
        ],
      ),
    ).toBe('at,who,n\r\n2026-05-01T12:00:00.000Z,"Ann, lead",3\r\nx,\'=1+2,\r\n');
  });

  it("is only the header when there are no rows", () => {
    expect(csvTable(["a", "b"], [])).toBe("a,b\r\n");
  });
});

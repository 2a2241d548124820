import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { plain } from "../testing/frame.js";
import { Footer } from "./footer.js";
import { Header } from "./header.js";

describe("Footer and Header", () => {
  it("lists the one-key actions", () => {
    const { lastFrame } = render(
      <Footer
        hints={[
          { key: "l", label: "login" },
          { key: "q", label: "quit" },
        ]}
        width={80}
      />,
    );
    expect(plain(lastFrame())).toBe("l login · q quit");
  });

  it("says when the terminal gives no keyboard input instead of listing keys", () => {
    const { lastFrame } = render(
      <Footer hints={[{ key: "q", label: "quit" }]} width={100} inputUnavailable />,
    );
    expect(plain(lastFrame())).toContain("Keyboard input is unavailable (stdin is not a terminal)");
  });

  it("brackets the current screen so it reads without colour", () => {
    const { lastFrame } = render(<Header screen="models" width={80} />);
    expect(plain(lastFrame())).toContain(" Dashboard   Accounts   Keys  [Models]  Login");
  });
});

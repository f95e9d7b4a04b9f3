import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AnsiText } from "./AnsiText";
import { SignIn } from "./SignIn";

describe("text rendering", () => {
  afterEach(cleanup);

  it("givenScriptAndOnerrorPayloads_whenRendered_thenTheyAreTextNotElements", () => {
    const { container } = render(
      <pre>
        <AnsiText text={"\u001b[31m<script>window.pwned=1</script><img src=x onerror=alert(1)>"} />
      </pre>,
    );
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toBe("<script>window.pwned=1</script><img src=x onerror=alert(1)>");
  });
});

describe("sign-in", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it("givenAnAcceptedToken_whenSignedIn_thenItIsInSessionStorageAndNotInTheUrl", async () => {
    const fetch = vi.fn(
      async () => new Response(JSON.stringify({ tokenId: "a", name: "ada", role: "admin" })),
    );
    vi.stubGlobal("fetch", fetch);
    const signedIn = vi.fn();
    render(<SignIn onSignedIn={signedIn} />);
    fireEvent.change(screen.getByLabelText("API token"), { target: { value: "cta_secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(signedIn).toHaveBeenCalled());
    expect(sessionStorage.getItem("cta.token")).toBe("cta_secret");
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/me");
    expect(new Headers(init.headers).get("Authorization")).toBe("Bearer cta_secret");
    expect(window.location.href).not.toContain("cta_secret");
  });

  it("givenARefusedToken_whenSignedIn_thenTheProblemIsShownAndNothingStored", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(JSON.stringify({ status: 401, detail: "invalid bearer token" }), {
            status: 401,
          }),
      ),
    );
    render(<SignIn onSignedIn={() => {}} />);
    fireEvent.change(screen.getByLabelText("API token"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("invalid bearer token");
    expect(sessionStorage.getItem("cta.token")).toBeNull();
  });
});

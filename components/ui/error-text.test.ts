import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ErrorText } from "./error-text";

type Props = Omit<ComponentProps<typeof ErrorText>, "children">;

/** The markup the components wrote out by hand before, which the specs select on (role=alert, test ids). */
describe("ErrorText", () => {
  it.each([
    [{ testId: "share-error" }, '<p role="alert" class="error" data-testid="share-error">Bad</p>'],
    [{}, '<p role="alert" class="error">Bad</p>'],
    [{ testId: "failure-reason", className: "queue-row-detail" }, '<p role="alert" class="error queue-row-detail" data-testid="failure-reason">Bad</p>'],
    [{ as: "span" }, '<span role="alert" class="error">Bad</span>'],
  ] satisfies [Props, string][])("%o renders %s", (props: Props, markup) => {
    expect(renderToStaticMarkup(createElement(ErrorText, props as ComponentProps<typeof ErrorText>, "Bad"))).toBe(markup);
  });
});

import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * The console's link: `next/link` without prefetching. Every console page is rendered for its caller, so a
 * prefetch is a server render: the header's sections alone made one page view cost some twenty of them (and as many
 * payloads parsed on the phone's main thread while the page became interactive). A click fetches its page once.
 */
export default function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}

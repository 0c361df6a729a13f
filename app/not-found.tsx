"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function NotFound() {
  return (
    <NoticePage title="No such page" href="/" linkText="Back to the overview">
      There is nothing at this address. It may have been mistyped, or what it named no longer exists.
    </NoticePage>
  );
}

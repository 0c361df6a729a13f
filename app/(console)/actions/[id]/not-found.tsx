"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function ActionRunNotFound() {
  return (
    <NoticePage title="No such action" href="/actions" linkText="All actions">
      There is no action run with this id. It may have been mistyped.
    </NoticePage>
  );
}

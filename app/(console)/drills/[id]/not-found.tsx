"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function DrillNotFound() {
  return (
    <NoticePage title="No such drill" href="/drills" linkText="All drills">
      There is no drill with this id. It may have been mistyped.
    </NoticePage>
  );
}

"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function RegionNotFound() {
  return (
    <NoticePage title="No such region" href="/" linkText="Back to the overview">
      The fleet file lists no region with this id.
    </NoticePage>
  );
}

"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function IncidentNotFound() {
  return (
    <NoticePage title="No such incident" href="/incidents" linkText="All incidents">
      There is no incident with this id. It may have been mistyped.
    </NoticePage>
  );
}

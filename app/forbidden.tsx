"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function Forbidden() {
  return (
    <NoticePage title="Not allowed" href="/" linkText="Back to the overview">
      Your role does not give you access to this page. Ask an admin if you need it.
    </NoticePage>
  );
}

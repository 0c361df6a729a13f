"use client";

import { NoticePage } from "@/components/ui/notice-page";

export default function Unauthorized() {
  return (
    <NoticePage title="Signed out" href="/signin" linkText="Sign in">
      Your session has ended. Sign in again to see this page.
    </NoticePage>
  );
}

import { inject } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";
import { storeContract } from "@/tests/support/store-contract";

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
storeContract("PostgreSQL (pg pool)");

import type { FakeAccount } from "./token-claims.js";

/**
 * Three ready-made ChatGPT accounts for account-pool tests, each with its own id, email, user and plan:
 * `a` on `pro`, `b` on `plus`, `c` on `free`. Log one in with `upstream.loginAccountInto(path, account)`
 * or `auth.issueTokens(account)`.
 */
export const FAKE_POOL_ACCOUNTS: Readonly<Record<"a" | "b" | "c", Readonly<FakeAccount>>> = {
  a: { accountId: "acc_pool_a", planType: "pro", email: "a@example.com", userId: "user-pool-a" },
  b: { accountId: "acc_pool_b", planType: "plus", email: "b@example.com", userId: "user-pool-b" },
  c: { accountId: "acc_pool_c", planType: "free", email: "c@example.com", userId: "user-pool-c" },
};

import type { AccountStatus, QuotaStatus, ServerStatus } from "@cmp/protocol";

/** One account as the accounts screen shows it; `requests` is `null` when the server does not count them. */
export interface ShownAccount extends Omit<AccountStatus, "requests"> {
  requests: number | null;
}

/** What the accounts screen lists. */
export interface AccountsView {
  /** True when the server reports an account pool (`accounts` in `/v1/status`). */
  pool: boolean;
  accounts: ShownAccount[];
}

/**
 * The accounts to show: the pool when the server reports one, else the single login of an older
 * server, built from its `account`, `token` and `quota` (`null` before the server answered).
 */
export function accountsView(
  status: ServerStatus | null,
  accounts: AccountStatus[] | null,
  quota: QuotaStatus | null,
): AccountsView | null {
  if (accounts !== null) return { pool: true, accounts };
  if (status === null) return null;
  if (!status.logged_in && status.account === null && !status.login_error)
    return { pool: false, accounts: [] };
  const reason =
    status.login_error ??
    (status.token?.reauth_required ? "reauth_required: the refresh token was refused" : null);
  return {
    pool: false,
    accounts: [
      {
        name: "default",
        email: status.account?.email ?? null,
        plan: status.account?.plan ?? null,
        state: status.logged_in && reason === null ? "active" : "needs_login",
        primary: quota?.primary ?? null,
        secondary: quota?.secondary ?? null,
        cooldown_until: null,
        last_error: reason,
        requests: null,
      },
    ],
  };
}

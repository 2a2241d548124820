import type { ApiKeyInfo } from "@cmp/protocol";
import { Box, Text, useInput } from "ink";
import Spinner from "ink-spinner";
import { useRef } from "react";
import { formatDate, formatRelative, formatTokens, truncate } from "../format.js";
import type { KeysController, KeysLoad } from "../hooks/use-keys.js";
import { editKeyForm, KEY_FORM_FIELDS, type KeyForm, type KeyFormField } from "../state/key-form.js";
import { levelForPercent, useTheme } from "../theme.js";
import { Notice } from "./notice.js";

/** Props of `KeysScreen`. */
export interface KeysScreenProps {
  keys: KeysController;
  serverUrl: string;
  now: number;
  width: number;
  /** Most lines this screen may use. */
  height: number;
  inputActive: boolean;
}

const periodWords = { day: "day", week: "week", month: "month" } as const;

/** The usage line of a key: a bar against its budget, or its use today when it has none. */
function UsageLine({ info, now, width }: { info: ApiKeyInfo; now: number; width: number }) {
  const theme = useTheme();
  const { budget, usage } = info;
  const requests = `${usage.requests} request${usage.requests === 1 ? "" : "s"}`;
  if (budget === null) {
    return (
      <Text color={theme.muted} wrap="truncate-end">
        {`    no budget · ${formatTokens(usage.input + usage.output)} tokens this period · ${requests}`}
      </Text>
    );
  }
  const percent = Math.min(100, Math.max(0, (budget.used / budget.tokens) * 100));
  const level = budget.used >= budget.tokens ? "danger" : levelForPercent(percent);
  const resets = new Date(budget.resets_at);
  const text = ` ${percent.toFixed(1).padStart(5)}% of ${formatTokens(budget.tokens)} tokens/${periodWords[budget.per]} · ${formatTokens(budget.used)} used · ${requests} · resets ${formatRelative(resets, now)}`;
  const barWidth = Math.max(8, Math.min(24, width - 4 - text.length));
  const filled = Math.round((percent / 100) * barWidth);
  return (
    <Text wrap="truncate-end">
      {"    "}
      <Text color={theme[level]}>{"█".repeat(filled)}</Text>
      <Text color={theme.muted}>{"░".repeat(barWidth - filled)}</Text>
      <Text color={theme[level]} bold={level !== "ok"}>
        {text}
      </Text>
    </Text>
  );
}

/** One key: name, admin, limits, last use and creation, then its usage. */
function KeyBlock({
  info,
  selected,
  now,
  width,
}: {
  info: ApiKeyInfo;
  selected: boolean;
  now: number;
  width: number;
}) {
  const theme = useTheme();
  const limits = [
    info.admin ? "admin" : null,
    info.rpm === null ? "no rpm limit" : `${info.rpm} rpm`,
    info.models === null ? "any model" : `models ${info.models.join(", ")}`,
    info.last_used_at === null
      ? "never used"
      : `last used ${formatRelative(new Date(info.last_used_at), now)}`,
    `created ${formatDate(new Date(info.created_at))}`,
  ].filter(Boolean);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" color={selected ? theme.accent : undefined}>
        <Text bold>{`${selected ? "›" : " "} ${truncate(info.name, 16).padEnd(16)}`}</Text>
        <Text color={selected ? theme.accent : theme.muted}>{` ${limits.join(" · ")}`}</Text>
      </Text>
      <UsageLine info={info} now={now} width={width} />
    </Box>
  );
}

function listOf(load: KeysLoad): ApiKeyInfo[] | null {
  if (load.state === "ready") return load.keys;
  if (load.state === "loading" || load.state === "error") return load.previous;
  return null;
}

const fieldLabels: Record<KeyFormField, string> = {
  name: "Name",
  budget: "Budget tokens",
  per: "Budget per",
  rpm: "Requests/min",
  models: "Models",
  admin: "Admin",
};

function fieldValue(form: KeyForm, field: KeyFormField): { text: string; hint: string } {
  switch (field) {
    case "name":
      return { text: form.name, hint: "letters, digits, . _ -" };
    case "budget":
      return { text: form.budget, hint: "empty: no budget · 500k, 1.5M" };
    case "per":
      return { text: `‹ ${form.per} ›`, hint: "space or ←→: day, week, month" };
    case "rpm":
      return { text: form.rpm, hint: "empty: no limit" };
    case "models":
      return { text: form.models, hint: "comma-separated; empty: any model" };
    case "admin":
      return { text: form.admin ? "‹ yes ›" : "‹ no ›", hint: "y/n: may manage keys and the management API" };
  }
}

function KeyFormView({
  form,
  error,
  submitting,
}: {
  form: KeyForm;
  error: string | null;
  submitting: boolean;
}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>New API key</Text>
      {KEY_FORM_FIELDS.map((field) => {
        const focused = field === form.focus;
        const { text, hint } = fieldValue(form, field);
        const typing = focused && field !== "per" && field !== "admin";
        return (
          <Text key={field} wrap="truncate-end" color={focused ? theme.accent : undefined}>
            {`${focused ? "›" : " "} ${fieldLabels[field].padEnd(14)} `}
            <Text bold={focused}>{text}</Text>
            {typing ? <Text inverse> </Text> : null}
            <Text color={theme.muted}>{`  ${hint}`}</Text>
          </Text>
        );
      })}
      {submitting ? (
        <Text color={theme.muted}>
          <Spinner type="dots" /> Creating the key…
        </Text>
      ) : null}
      {error ? (
        <Text color={theme.danger} wrap="wrap">
          {`✗ ${error}`}
        </Text>
      ) : null}
    </Box>
  );
}

/**
 * The server's named API keys: usage against each budget, limits, last use; admins create keys (the
 * new key is shown once) and revoke them (after a confirmation). A key that is not an admin key (403)
 * and a server without named keys (404) each get a plain message.
 */
export function KeysScreen({ keys, serverUrl, now, width, height, inputActive }: KeysScreenProps) {
  const theme = useTheme();
  const { load, view } = keys;
  const latest = useRef(keys);
  latest.current = keys;
  const list = listOf(load);

  useInput(
    (input, key) => {
      const controller = latest.current;
      const current = controller.view;
      switch (current.phase) {
        case "list": {
          const count = listOf(controller.load)?.length ?? 0;
          const usable = controller.load.state === "ready";
          if (key.upArrow) controller.select(controller.selected - 1);
          else if (key.downArrow) controller.select(Math.min(count - 1, controller.selected + 1));
          else if (input === "n" && usable) controller.openForm();
          else if (input === "x" && usable && count > 0) controller.askRevoke();
          return;
        }
        case "form":
          if (key.escape) controller.back();
          else if (key.return) controller.submitForm();
          else controller.editForm((form) => editKeyForm(form, input, key));
          return;
        case "created":
          if (key.return || key.escape) controller.back();
          return;
        case "confirm_revoke":
          if (input === "y") controller.confirmRevoke();
          else if (input === "n" || key.escape) controller.back();
          return;
        default:
          return;
      }
    },
    { isActive: inputActive },
  );

  if (view.phase === "form") {
    return <KeyFormView form={view.form} error={view.error} submitting={view.submitting} />;
  }
  if (view.phase === "created") {
    const { key, info } = view.created;
    return (
      <Box flexDirection="column" width={width}>
        <Notice tone="ok" bold title={`✓ Created key "${info.name}"`}>
          <Text color={theme.warn} bold wrap="wrap">
            Copy it now: the server keeps only its hash, and this screen will not show it again.
          </Text>
          <Box borderStyle="double" borderColor={theme.warn} paddingX={1} alignSelf="flex-start">
            <Text bold>{key}</Text>
          </Box>
          <Text
            color={theme.muted}
          >{`Use it as Authorization: Bearer <key> (or CMP_API_KEY for this dashboard).`}</Text>
        </Notice>
      </Box>
    );
  }

  const title = (
    <Text wrap="truncate-end">
      <Text bold color={theme.accent}>{`Named API keys${list ? ` (${list.length})` : ""}`}</Text>
      <Text color={theme.muted}>{` from ${serverUrl}/v1/management/keys`}</Text>
      {load.state === "loading" ? (
        <Text color={theme.muted}>
          {"  "}
          <Spinner type="dots" /> loading
        </Text>
      ) : null}
    </Text>
  );

  if (load.state === "error" && (load.problem.kind !== "other" || list === null)) {
    return (
      <Box flexDirection="column" width={width}>
        {title}
        <Notice tone={load.problem.kind === "other" ? "danger" : "warn"} bold title={load.problem.message}>
          <Text wrap="wrap">{load.problem.hint}</Text>
        </Notice>
      </Box>
    );
  }

  const selected = Math.max(0, Math.min(keys.selected, (list?.length ?? 1) - 1));
  // Two lines per key, under the title and above the notice / confirmation lines.
  const room = Math.max(1, Math.floor((height - 4) / 2));
  const first = list ? Math.max(0, Math.min(selected - room + 1, list.length - room)) : 0;
  const shown = list?.slice(first, first + room) ?? [];
  return (
    <Box flexDirection="column" width={width}>
      {title}
      {load.state === "error" ? (
        <Text color={theme.danger} wrap="truncate-end">{`✗ ${load.problem.message}`}</Text>
      ) : null}
      {list === null ? null : list.length === 0 ? (
        <Text color={theme.muted}>No named keys yet: press n to create one.</Text>
      ) : (
        <>
          {first > 0 ? <Text color={theme.muted}>{`↑ ${first} more`}</Text> : null}
          {shown.map((info, index) => (
            <KeyBlock
              key={info.name}
              info={info}
              selected={first + index === selected}
              now={now}
              width={width}
            />
          ))}
          {first + shown.length < list.length ? (
            <Text color={theme.muted}>{`↓ ${list.length - first - shown.length} more`}</Text>
          ) : null}
        </>
      )}
      {view.phase === "list" && view.notice ? (
        <Text color={theme[view.notice.tone]} wrap="truncate-end">
          {view.notice.text}
        </Text>
      ) : null}
      {view.phase === "confirm_revoke" ? (
        <Box flexDirection="column">
          <Text color={theme.warn} bold wrap="truncate-end">{`Revoke key "${view.name}"?`}</Text>
          <Text wrap="truncate-end">
            Clients using it are refused from their next request. This cannot be undone.
          </Text>
        </Box>
      ) : null}
      {view.phase === "revoking" ? (
        <Text color={theme.muted}>
          <Spinner type="dots" /> {`Revoking "${view.name}"…`}
        </Text>
      ) : null}
    </Box>
  );
}

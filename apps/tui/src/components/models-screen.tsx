import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { memo } from "react";
import type { ModelInfo } from "../api/model-list.js";
import { formatTokens, truncate } from "../format.js";
import type { ModelsState } from "../hooks/use-models.js";
import { useTheme } from "../theme.js";
import { Notice } from "./notice.js";

interface Layout {
  model: number;
  context: number;
  output: number;
  efforts: number;
  input: number;
}

function layoutFor(width: number): Layout {
  const fixed = { context: 8, output: 8, input: 12 };
  const rest = width - fixed.context - fixed.output - fixed.input - 4;
  const model = Math.max(12, Math.min(28, Math.floor(rest * 0.45)));
  return { ...fixed, model, efforts: Math.max(8, rest - model) };
}

function line(layout: Layout, cells: [string, string, string, string, string]): string {
  const [model, context, output, efforts, input] = cells;
  return [
    truncate(model, layout.model).padEnd(layout.model),
    context.padStart(layout.context),
    output.padStart(layout.output),
    truncate(efforts, layout.efforts).padEnd(layout.efforts),
    truncate(input, layout.input),
  ].join(" ");
}

const ModelRow = memo(function ModelRow({ model, layout }: { model: ModelInfo; layout: Layout }) {
  const efforts = model.efforts.map((e) => (e === model.defaultEffort ? `${e}*` : e)).join(" ");
  return (
    <Text wrap="truncate-end">
      {line(layout, [
        model.id,
        model.contextWindow === null ? "—" : formatTokens(model.contextWindow),
        model.maxOutputTokens === null ? "—" : formatTokens(model.maxOutputTokens),
        efforts || "—",
        model.inputModalities.join(", ") || "—",
      ])}
    </Text>
  );
});

/** Props of `ModelsScreen`. */
export interface ModelsScreenProps {
  models: ModelsState;
  serverUrl: string;
  width: number;
  height: number;
  /** First row shown (↑/↓). */
  scroll: number;
}

/** The server's model catalog: context window, output limit, reasoning efforts and input modalities. */
export function ModelsScreen({ models, serverUrl, width, height, scroll }: ModelsScreenProps) {
  const theme = useTheme();
  const list = models.state === "ready" ? models.models : models.state === "idle" ? null : models.previous;
  const layout = layoutFor(width);
  const rows = Math.max(1, height - 4);
  const first = list ? Math.min(scroll, Math.max(0, list.length - rows)) : 0;
  const shown = list ? list.slice(first, first + rows) : [];
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.accent} wrap="truncate-end">
        {`Models${list ? ` (${list.length})` : ""} from ${serverUrl}/v1/models`}
        {list && list.length > rows ? (
          <Text color={theme.muted}>{`  rows ${first + 1}–${first + shown.length}`}</Text>
        ) : null}
      </Text>
      {models.state === "loading" || models.state === "idle" ? (
        <Text color={theme.muted}>
          <Spinner type="dots" /> loading the catalog…
        </Text>
      ) : null}
      {models.state === "error" ? (
        <Notice tone="danger" title={`Cannot load the model list: ${models.message}.`}>
          <Text wrap="truncate-end">Is the server running? Start it with pnpm start · r retries</Text>
        </Notice>
      ) : null}
      {list && list.length === 0 ? <Text color={theme.muted}>The server lists no models.</Text> : null}
      {list && list.length > 0 ? (
        <>
          <Text color={theme.muted} wrap="truncate-end">
            {line(layout, ["MODEL", "CONTEXT", "MAX OUT", "EFFORTS (* default)", "INPUT"])}
          </Text>
          {shown.map((model) => (
            <ModelRow key={model.id} model={model} layout={layout} />
          ))}
        </>
      ) : null}
    </Box>
  );
}

import { Text } from "ink";
import { describeFilters, type RequestFilters } from "../state/request-filters.js";
import { useTheme } from "../theme.js";

/** Props of `FilterLine`. */
export interface FilterLineProps {
  filters: RequestFilters;
}

/** The active request filters and how to change them; shown only while one is set. */
export function FilterLine({ filters }: FilterLineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {"Filter".padEnd(8)}
      <Text bold color={theme.warn}>
        {describeFilters(filters)}
      </Text>
      <Text color={theme.muted}>{"  ·  1 key · 2 status · 3 model · 4 account cycle · 0 clears"}</Text>
    </Text>
  );
}

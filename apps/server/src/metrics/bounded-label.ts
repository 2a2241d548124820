/** The label value of "nothing here": no account chosen yet, no key name, no model resolved. */
export const NONE_LABEL = "none";

/** The label value every value outside a label's bounded set is counted under. */
export const OTHER_LABEL = "other";

/** Maps a raw value onto one of a bounded set of label values. */
export type LabelBound = (value: string | null | undefined) => string;

/** Options of {@link boundedLabel}. */
export interface BoundedLabelOptions {
  /** Values that are always their own label value. */
  known?: Iterable<string>;
  /**
   * How many other values are admitted as their own label value, first seen first kept (default 0).
   * Later ones are {@link OTHER_LABEL}: the number of series stays bounded whatever arrives.
   */
  learn?: number;
  /** The shape a value must have to be admitted by {@link BoundedLabelOptions.learn}. */
  pattern?: RegExp;
}

/**
 * A label whose values are bounded: `null`, `undefined` and `""` are {@link NONE_LABEL}, the `known`
 * values and up to `learn` others of the right `pattern` are themselves, everything else is
 * {@link OTHER_LABEL}. Two set lookups per call on the hot path.
 */
export function boundedLabel(options: BoundedLabelOptions = {}): LabelBound {
  const known = new Set(options.known ?? []);
  const learned = new Set<string>();
  const limit = options.learn ?? 0;
  const pattern = options.pattern;
  return (value) => {
    if (value === null || value === undefined || value === "") return NONE_LABEL;
    if (known.has(value) || learned.has(value)) return value;
    if (learned.size < limit && (pattern === undefined || pattern.test(value))) {
      learned.add(value);
      return value;
    }
    return OTHER_LABEL;
  };
}

const STATUS_CODES: readonly string[] = Array.from({ length: 600 }, (_, code) => String(code));

/** An HTTP status as a label (`"200"`, `"429"`): integers 100–599, else {@link OTHER_LABEL}. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status < 600
    ? (STATUS_CODES[status] as string)
    : OTHER_LABEL;
}

/** The class of an HTTP status as a label (`"2xx"`, `"4xx"`), else {@link OTHER_LABEL}. */
export function statusClassLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status < 600
    ? `${Math.floor(status / 100)}xx`
    : OTHER_LABEL;
}

import { Box, Text } from "ink";
import { useTheme } from "../theme.js";

/** The screens, each on its own key. */
export type Screen = "dashboard" | "accounts" | "keys" | "models" | "login";

const tabs: { screen: Screen; label: string }[] = [
  { screen: "dashboard", label: "Dashboard" },
  { screen: "accounts", label: "Accounts" },
  { screen: "keys", label: "Keys" },
  { screen: "models", label: "Models" },
  { screen: "login", label: "Login" },
];

/** Props of `Header`. */
export interface HeaderProps {
  screen: Screen;
  width: number;
}

/** Title line with the screen tabs; the current one is bracketed (readable without colour too). */
export function Header({ screen, width }: HeaderProps) {
  const theme = useTheme();
  return (
    <Box width={width}>
      <Text bold wrap="truncate-end">
        {"ChatGPT Max Proxy  "}
        {tabs.map((tab) => (
          <Text
            key={tab.screen}
            color={tab.screen === screen ? theme.accent : theme.muted}
            bold={tab.screen === screen}
          >
            {tab.screen === screen ? `[${tab.label}] ` : ` ${tab.label}  `}
          </Text>
        ))}
      </Text>
    </Box>
  );
}

// Pastes apps/tui/screens/<name>.txt (written by the e2e test with CMP_TUI_SCREENS=1) into the README,
// between `<!-- screen:<name> -->` and `<!-- /screen -->`.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const readmePath = join(appDir, "README.md");
const readme = await readFile(readmePath, "utf8");
const names = [...readme.matchAll(/<!-- screen:([\w-]+) -->/g)].map((m) => m[1]);
let next = readme;
for (const name of names) {
  const screen = (await readFile(join(appDir, "screens", `${name}.txt`), "utf8")).replace(/\n+$/, "");
  const pattern = new RegExp(`(<!-- screen:${name} -->\\n)[\\s\\S]*?(<!-- /screen -->)`);
  next = next.replace(pattern, (_all, open, close) => `${open}\`\`\`text\n${screen}\n\`\`\`\n${close}`);
}
await writeFile(readmePath, next);
console.log(`pasted ${names.length} screens into ${readmePath}`);

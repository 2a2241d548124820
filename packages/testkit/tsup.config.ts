import { defineLibraryConfig } from "../../tsup.library.js";

export default defineLibraryConfig(["src/index.ts", "src/cli.ts"]);

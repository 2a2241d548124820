import { defineLibraryConfig } from "../../tsup.library.js";

export default defineLibraryConfig();

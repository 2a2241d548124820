import type { AppContext } from "../app-context.js";
import type { HttpContext } from "./http-context.js";

/** What every route is: the app's shared state and the typed request in, an answer written to `http.res`. */
export type RouteHandler = (app: AppContext, http: HttpContext) => Promise<void> | void;

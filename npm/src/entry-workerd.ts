// The ESM entry for workerd (Cloudflare Workers) and edge runtimes: the core from a `.wasm`
// module import. The init module comes first, so the wasm is ready before the API runs.
import "./init-module.js";
import * as hookwall from "./index.js";
export * from "./index.js";
export default hookwall;

// The ESM entry for browsers, Deno, web workers and bundlers: the core from embedded bytes.
// The init module comes first, so the wasm is ready before the API runs. The default export
// is the module's names in one object, as a default import of `standardwebhooks` gives them.
import "./init-inline.js";
import * as hookwall from "./index.js";
export * from "./index.js";
export default hookwall;
